package api_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/core"
)

// FuzzDecode feeds arbitrary bytes to the request body decoder. It must
// never panic; a refusal must be an EINVALID or ETOOLARGE *core.Error whose
// messages are all in the catalog and render without formatting noise; an
// accepted body must survive a round trip through encoding/json.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"name":"王建国","level":"district","delegation":"海曙区代表团","phone":"13805741234","email":"wjg@example.cn"}`,
		`{"slug":"haishu","level":"district","parent":"ningbo","division_code":"330203","name_zh":"海曙区人大常委会","name_en":"Haishu"}`,
		`{"name":"王建国",`,
		`{name: "王建国"}`,
		`{"name":"王建国","salary":1}`,
		`{"name":123,"level":["district"]}`,
		`{"name":{"first":"建国"},"level":true}`,
		"{\"name\":\"\xff\xfe\",\"level\":\"district\"}",
		`{"name":"` + strings.Repeat("长", 100_000) + `"}`,
		`{"name":` + strings.Repeat(`[{"a":`, 20) + `1` + strings.Repeat(`}]`, 20) + `}`,
		`{"name":"a","level":"city"} {"name":"b"}`,
		`{"name":"a"}]`,
		`null`,
		`[]`,
		`{"name":"'; DROP TABLE deputies; --","level":"district"}`,
		`{"name":"<script>alert(1)</script>","level":"district"}`,
		`{"name":"\u0000\ud800","level":1e400}`,
		"  \n\t ",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkDecode(t, body, &api.DeputyInputJSON{})
		checkDecode(t, body, &api.TenantCreateJSON{})
	})
}

func checkDecode[T any](t *testing.T, body []byte, v *T) {
	err := api.Decode(body, v)
	if err == nil {
		out, merr := json.Marshal(v)
		if merr != nil {
			t.Fatalf("accepted %q but cannot re-encode it: %v", body, merr)
		}
		again := new(T)
		if derr := api.Decode(out, again); derr != nil || !reflect.DeepEqual(again, v) {
			t.Fatalf("accepted %q as %+v, but its re-encoding %s decodes to %+v, %v", body, v, out, again, derr)
		}
		return
	}
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Fatalf("Decode(%q) = %T %v, want *core.Error", body, err, err)
	}
	if ce.Code != core.EINVALID && ce.Code != core.ETOOLARGE {
		t.Fatalf("Decode(%q) code %q, want invalid or too_large", body, ce.Code)
	}
	checkMsg(t, body, ce.Msg)
	for _, fe := range ce.Fields {
		checkMsg(t, body, fe.Msg)
	}
}

func checkMsg(t *testing.T, body []byte, m core.Message) {
	if !core.Known(m.Key) {
		t.Fatalf("Decode(%q): message key %q is not in the catalog", body, m.Key)
	}
	for _, lang := range core.Languages {
		if s := m.Render(lang); strings.Contains(s, "%!") {
			t.Fatalf("Decode(%q): %s renders badly in %s: %q", body, m.Key, lang, s)
		}
	}
}
