package scenetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"

	"github.com/renda-platform/renda/plugins/scene"
)

// storedFile is an attachment in the fake host.
type storedFile struct {
	info scene.File
	data []byte
}

// maxFileBytes and fileTypes mirror the real host's limits.
const maxFileBytes = 10 << 20

var fileTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true, "application/pdf": true}

// HTTP implements scene.Host with the handler given to WithHTTP.
func (f *fakeHost) HTTP(ctx context.Context, req scene.HTTPRequest) (*scene.HTTPResponse, error) {
	if err := f.enter(scene.CapHTTP); err != nil {
		return nil, err
	}
	if f.h.web == nil {
		return nil, scene.Forbidden("http.host_not_allowed", scene.T("该地址不在本人大允许的范围内。", "The tenant has not allowed this host for the scene."))
	}
	r, err := http.NewRequestWithContext(ctx, req.Method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return nil, invalidField("url", "地址无效。", "Invalid URL.")
	}
	for k, v := range req.Headers {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.h.web.ServeHTTP(w, r)
	body, _ := io.ReadAll(w.Result().Body)
	headers := map[string]string{}
	for k := range w.Result().Header {
		headers[k] = w.Result().Header.Get(k)
	}
	return &scene.HTTPResponse{Status: w.Code, Headers: headers, Body: body}, nil
}

// PutFile implements scene.Host.
func (f *fakeHost) PutFile(_ context.Context, name string, data []byte) (*scene.File, error) {
	if err := f.enter(scene.CapFiles); err != nil {
		return nil, err
	}
	if err := f.writable(); err != nil {
		return nil, err
	}
	ct := http.DetectContentType(data)
	switch {
	case len(data) == 0 || len(data) > maxFileBytes:
		return nil, invalidField("data", "文件须为 1 字节到 10 MB。", "A file must be 1 byte to 10 MB.")
	case !fileTypes[ct]:
		return nil, invalidField("data", "文件须为 JPEG、PNG、WebP 或 PDF。", "A file must be JPEG, PNG, WebP or PDF.")
	}
	sum := sha256.Sum256(data)
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	td := f.h.tenant(f.tenant)
	if td.files == nil {
		td.files = map[string]storedFile{}
	}
	f.h.seq++
	info := scene.File{ID: fmt.Sprintf("file-%06d", f.h.seq), Name: name, ContentType: ct, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), CreatedAt: f.h.clock().UTC()}
	td.files[info.ID] = storedFile{info: info, data: bytes.Clone(data)}
	return &info, nil
}

// GetFile implements scene.Host.
func (f *fakeHost) GetFile(_ context.Context, id string) (*scene.File, []byte, error) {
	if err := f.enter(scene.CapFiles); err != nil {
		return nil, nil, err
	}
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	sf, ok := f.h.tenant(f.tenant).files[id]
	if !ok {
		return nil, nil, scene.NotFound("file.not_found", scene.T("找不到该文件。", "No such file."))
	}
	info := sf.info
	return &info, bytes.Clone(sf.data), nil
}

// Departments implements scene.Host with the departments given to
// AddDepartment.
func (f *fakeHost) Departments(_ context.Context) ([]scene.DirectoryEntry, error) {
	if err := f.enter(scene.CapDirectory); err != nil {
		return nil, err
	}
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	return append([]scene.DirectoryEntry(nil), f.h.tenant(f.tenant).departments...), nil
}

// Roles implements scene.Host: the built-in roles.
func (f *fakeHost) Roles(_ context.Context) ([]scene.DirectoryEntry, error) {
	if err := f.enter(scene.CapDirectory); err != nil {
		return nil, err
	}
	var out []scene.DirectoryEntry
	for _, r := range []string{"tenant_admin", "staff", "deputy"} {
		out = append(out, scene.DirectoryEntry{ID: r, Name: r, Kind: "role", Attributes: map[string]string{"builtin": "true"}})
	}
	return out, nil
}

// SetParent places congress child below parent, for Host.Congresses and
// events relayed along the line (EventDraft.To).
func (h *Harness) SetParent(child, parent string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.parents == nil {
		h.parents = map[string]string{}
	}
	h.parents[child] = parent
	h.tenant(child)
	h.tenant(parent)
}

// Congresses implements scene.Host with the line SetParent drew: the
// congresses above the tenant and those below it.
func (f *fakeHost) Congresses(_ context.Context) ([]scene.DirectoryEntry, error) {
	if err := f.enter(scene.CapDirectory); err != nil {
		return nil, err
	}
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	return f.h.congresses(f.tenant), nil
}

// congresses lists the line of tenant, sorted by slug. Hold h.mu.
func (h *Harness) congresses(tenant string) []scene.DirectoryEntry {
	above := func(a, b string) bool { // a is above b
		for p := h.parents[b]; p != ""; p = h.parents[p] {
			if p == a {
				return true
			}
		}
		return false
	}
	var out []scene.DirectoryEntry
	for _, slug := range slices.Sorted(maps.Keys(h.tenants)) {
		rel := ""
		switch {
		case above(slug, tenant):
			rel = "ancestor"
		case above(tenant, slug):
			rel = "descendant"
		default:
			continue
		}
		info := h.tenants[slug].info
		level := info.Level
		if level == "" {
			level = "district"
		}
		name := info.NameZH
		if name == "" {
			name = slug
		}
		out = append(out, scene.DirectoryEntry{ID: slug, Name: name, Kind: level,
			Attributes: map[string]string{"relation": rel, "parent": h.parents[slug], "name_en": info.NameEN}})
	}
	return out
}

// AddDepartment adds a government department to a tenant's directory.
func (h *Harness) AddDepartment(tenant string, d scene.DirectoryEntry) {
	h.mu.Lock()
	defer h.mu.Unlock()
	td := h.tenant(tenant)
	td.departments = append(td.departments, d)
}
