package api_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"slices"
	"testing"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/plugins/livelihoodvoting"
	"github.com/renda-platform/renda/plugins/noticeboard"
	"github.com/renda-platform/renda/plugins/scene"
)

func pageIDs(s api.ConsoleSceneJSON) []string {
	var ids []string
	for _, p := range s.Pages {
		ids = append(ids, p.ID)
	}
	return ids
}

func pageOf(s api.ConsoleSceneJSON, id string) *scene.Page {
	for i := range s.Pages {
		if s.Pages[i].ID == id {
			return &s.Pages[i]
		}
	}
	return nil
}

// TestMyScenes: the console learns from a real scene process which pages
// each caller may see: staff get the notice board's forms, dashboard and
// delete actions; deputies read only; a congress that did not enable it
// lists nothing.
func TestMyScenes(t *testing.T) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := sceneEnv(t, d, "noticeboard-1.0.0")
			enable(t, e, noticeboard.ID, "1.0.0", "haishu")
			mine := func(slug, role string) api.ConsoleSceneJSON {
				t.Helper()
				r := e.Do(http.MethodGet, "/api/v1/t/"+slug+"/scene-pages", e.Tokens[slug+"/"+role], nil)
				if r.Code != http.StatusOK {
					t.Fatalf("%s/%s: %d %s", slug, role, r.Code, r.Body)
				}
				var l api.ConsoleSceneListJSON
				r.JSON(t, &l)
				if len(l.Items) != 1 {
					t.Fatalf("%s/%s: %d scenes, want the notice board", slug, role, len(l.Items))
				}
				return l.Items[0]
			}

			staff := mine("haishu", "staff")
			if staff.ID != noticeboard.ID || staff.Version != "1.0.0" || staff.Title.ZH != "公告栏" || staff.Title.EN != "Notice board" {
				t.Errorf("staff's scene: %+v", staff)
			}
			if want := []string{"notices", "notice", "new-notice", "edit-notice", "overview"}; !slices.Equal(pageIDs(staff), want) {
				t.Errorf("staff's pages %v, want %v", pageIDs(staff), want)
			}
			if !slices.Equal(staff.Permissions, []string{"notices:read", "notices:write"}) {
				t.Errorf("staff's permissions %v", staff.Permissions)
			}
			if l := pageOf(staff, "notices").List; len(l.RowActions) != 1 || len(l.Actions) != 1 || l.Columns[0].Link != "notice" {
				t.Errorf("staff's list: %+v", l)
			}

			deputy := mine("haishu", "deputy")
			if want := []string{"notices", "notice"}; !slices.Equal(pageIDs(deputy), want) {
				t.Errorf("deputy's pages %v, want %v", pageIDs(deputy), want)
			}
			if l := pageOf(deputy, "notices").List; len(l.RowActions) != 0 || len(l.Actions) != 0 || l.Columns[0].Link != "notice" {
				t.Errorf("deputy's list keeps writes: %+v", l)
			}
			if d := pageOf(deputy, "notice").Detail; len(d.Actions) != 0 {
				t.Errorf("deputy's detail actions %+v, want none", d.Actions)
			}
			// What a deputy does not see, they cannot do either.
			if r := e.Do(http.MethodGet, "/api/v1/t/haishu/scenes/"+noticeboard.ID+"/stats", e.Tokens["haishu/norole"], nil); r.Code != http.StatusForbidden {
				t.Errorf("stats without a role: %d", r.Code)
			}
			if got := mine("haishu", "norole"); len(got.Pages) != 0 || len(got.Permissions) != 0 {
				t.Errorf("a user without roles sees %v (%v)", pageIDs(got), got.Permissions)
			}
			// Staff's view did not leak into the deputy's: the release's
			// manifest is unchanged.
			if again := mine("haishu", "staff"); len(pageOf(again, "notices").List.RowActions) != 1 {
				t.Error("filtering for the deputy changed the manifest")
			}

			r := e.Do(http.MethodGet, "/api/v1/t/jiangbei/scene-pages", e.Tokens["jiangbei/staff"], nil)
			var l api.ConsoleSceneListJSON
			r.JSON(t, &l)
			if r.Code != http.StatusOK || len(l.Items) != 0 {
				t.Errorf("jiangbei (not enabled): %d %s", r.Code, r.Body)
			}
			// Another congress's user may not list haishu's.
			if r := e.Do(http.MethodGet, "/api/v1/t/haishu/scene-pages", e.Tokens["jiangbei/staff"], nil); r.Code != http.StatusForbidden {
				t.Errorf("jiangbei staff on haishu: %d, want 403", r.Code)
			}
		})
	}
}

// TestPublicScenePages: anyone, without signing in, learns a congress's
// public pages — only those, of the scenes it runs, and none of a
// congress that is suspended.
func TestPublicScenePages(t *testing.T) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := sceneEnv(t, d, "voting", "noticeboard-1.0.0")
			enable(t, e, livelihoodvoting.ID, "0.1.0", "haishu", "jiangbei")
			enable(t, e, noticeboard.ID, "1.0.0", "haishu")
			public := func(slug, token string) api.PublicSceneListJSON {
				t.Helper()
				r := e.Do(http.MethodGet, "/api/v1/t/"+slug+"/public/scene-pages", token, nil)
				if r.Code != http.StatusOK {
					t.Fatalf("%s: %d %s", slug, r.Code, r.Body)
				}
				var l api.PublicSceneListJSON
				r.JSON(t, &l)
				return l
			}
			for who, token := range map[string]string{"anyone": "", "jiangbei staff": e.Tokens["jiangbei/staff"]} {
				l := public("haishu", token)
				if l.Tenant.Slug != "haishu" || l.Tenant.NameZH == "" || len(l.Items) != 1 {
					t.Fatalf("%s: %+v, want the voting scene alone", who, l)
				}
				got := l.Items[0]
				if got.ID != livelihoodvoting.ID || len(got.Pages) != 1 || got.Pages[0].ID != "public-result" || !got.Pages[0].Public {
					t.Errorf("%s: %s with pages %v, want the published result", who, got.ID, pageIDs(api.ConsoleSceneJSON{Pages: got.Pages}))
				}
				if dt := got.Pages[0].Detail; dt == nil || dt.Source != "GET /public/rounds/{id}" || len(dt.Actions) != 0 {
					t.Errorf("%s: the page's detail %+v", who, dt)
				}
			}
			if l := public("ningbo", ""); len(l.Items) != 0 {
				t.Errorf("ningbo (runs no scene): %+v", l.Items)
			}
			// The signed-in list marks the page public too.
			r := e.Do(http.MethodGet, "/api/v1/t/haishu/scene-pages", e.Tokens["haishu/staff"], nil)
			var mine api.ConsoleSceneListJSON
			r.JSON(t, &mine)
			for _, s := range mine.Items {
				if p := pageOf(s, "public-result"); s.ID == livelihoodvoting.ID && (p == nil || !p.Public) {
					t.Errorf("staff's published-result page: %+v", p)
				}
			}
			if r := e.Do(http.MethodPost, "/api/v1/platform/tenants/jiangbei/suspend", e.Tokens["ningbo/platform_admin"], nil); r.Code != http.StatusOK {
				t.Fatalf("suspend: %d %s", r.Code, r.Body)
			}
			if r := e.Do(http.MethodGet, "/api/v1/t/jiangbei/public/scene-pages", "", nil); r.Code != http.StatusForbidden {
				t.Errorf("a suspended congress: %d %s, want 403", r.Code, r.Body)
			}
		})
	}
}

// TestSceneFiles: a photo a deputy uploaded through issue supervision is
// served to the scene's users in that congress, and to nobody else.
func TestSceneFiles(t *testing.T) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := sceneEnv(t, d, "issues", "noticeboard-1.0.0")
			enable(t, e, issuesupervision.ID, "0.1.0", "haishu", "jiangbei")
			enable(t, e, noticeboard.ID, "1.0.0", "haishu")
			deputy, _ := deputyToken(t, e, "haishu", "王建国")
			var buf bytes.Buffer
			if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
				t.Fatal(err)
			}
			r := e.Do(http.MethodPost, "/api/v1/t/haishu/scenes/"+issuesupervision.ID+"/photos", deputy, buf.Bytes(), "Content-Type", "image/png")
			if r.Code != http.StatusCreated {
				t.Fatalf("upload: %d %s", r.Code, r.Body)
			}
			var photo struct{ ID string }
			r.JSON(t, &photo)
			files := "/api/v1/t/haishu/scene-files/"
			for who, token := range map[string]string{"deputy": deputy, "staff": e.Tokens["haishu/staff"]} {
				r := e.Do(http.MethodGet, files+issuesupervision.ID+"/"+photo.ID, token, nil)
				if r.Code != http.StatusOK || r.Header.Get("Content-Type") != "image/png" || !bytes.Equal(r.Body, buf.Bytes()) {
					t.Errorf("%s: %d %s", who, r.Code, r.Header.Get("Content-Type"))
				}
			}
			refused := []struct {
				name, path, token string
				want              int
			}{
				{"a user without the scene's permissions", files + issuesupervision.ID + "/" + photo.ID, e.Tokens["haishu/norole"], http.StatusForbidden},
				{"another congress's user", files + issuesupervision.ID + "/" + photo.ID, e.Tokens["jiangbei/staff"], http.StatusForbidden},
				{"the same id in another congress", "/api/v1/t/jiangbei/scene-files/" + issuesupervision.ID + "/" + photo.ID, e.Tokens["jiangbei/staff"], http.StatusNotFound},
				{"another scene's files", files + noticeboard.ID + "/" + photo.ID, e.Tokens["haishu/staff"], http.StatusNotFound},
				{"a scene the congress does not run", files + "renda.nothing/" + photo.ID, e.Tokens["haishu/staff"], http.StatusNotFound},
				{"an unknown id", files + issuesupervision.ID + "/0190b6a0-0000-7000-8000-000000000000", deputy, http.StatusNotFound},
				{"a malformed id", files + issuesupervision.ID + "/not-an-id", deputy, http.StatusNotFound},
				{"no credentials", files + issuesupervision.ID + "/" + photo.ID, "", http.StatusUnauthorized},
			}
			for _, tc := range refused {
				r := e.Do(http.MethodGet, tc.path, tc.token, nil, "Accept-Language", "en")
				if r.Code != tc.want {
					t.Errorf("%s: %d %s, want %d", tc.name, r.Code, r.Body, tc.want)
					continue
				}
				if p := problemOf(t, r); p.Detail == "" || bytes.Contains(r.Body, buf.Bytes()[:8]) {
					t.Errorf("%s: %s", tc.name, r.Body)
				}
			}
		})
	}
}
