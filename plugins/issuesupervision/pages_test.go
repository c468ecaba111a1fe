package issuesupervision_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"testing"

	is "github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/plugins/scene"
)

// TestPages reads every page as the reporting deputy and as staff, with
// an answered issue that has a photo before and after handling, a worker
// and an answer, and a constituent's message: each column, field,
// timeline key, attachments group, map point, card and chart names what
// the routes answer.
func TestPages(t *testing.T) {
	h, deputy, staff := harness(t)
	deputy.DeputyID = "0190b6a0-0000-7000-8000-0000000000aa" // the code page takes deputy ids as the directory makes them
	h.AddDeputy("haishu", scene.DirectoryEntry{ID: deputy.DeputyID, Name: "王建国", Kind: "deputy"})
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	var photo struct{ ID string }
	res := h.Request(http.MethodPost, "/photos").As(deputy).Body("image/png", buf.Bytes()).Do()
	res.Decode(t, &photo)
	lat, lng := 29.8683, 121.5440
	var iss is.IssueJSON
	res = h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: "manhole", Description: "解放南路井盖缺失",
		Lat: &lat, Lng: &lng, Address: "海曙区解放南路 8 号", Photos: []string{photo.ID}}).Do()
	res.Decode(t, &iss)
	for _, in := range []is.ActionInput{{Action: is.ActAccept}, {Action: is.ActDispatch, Worker: "网格员 张海军"},
		{Action: is.ActHandle, Note: "已加盖", Photos: []string{photo.ID}}, {Action: is.ActAnswer, Note: "井盖已补齐。"}} {
		if r := h.Request(http.MethodPost, "/issues/"+iss.ID+"/actions").As(staff).JSON(in).Do(); r.Status != http.StatusOK {
			t.Fatalf("%s: %s", in.Action, r)
		}
	}
	msg := h.Request(http.MethodPost, "/public/deputies/"+deputy.DeputyID+"/messages").
		JSON(is.MessageInput{Name: "居民", Content: "小区路灯不亮"}).Do()
	if msg.Status != http.StatusCreated {
		t.Fatalf("message: %s", msg)
	}
	records := map[string]string{"issue": iss.ID}
	t.Run("deputy", func(t *testing.T) { h.CheckPages(t, deputy, records) })
	t.Run("staff", func(t *testing.T) { h.CheckPages(t, staff, records) })

	m := is.New("1.0.0").Manifest()
	want := map[string]string{"my-issues": "list", "report": "form", "queue": "list", "issue": "detail", "messages": "list", "figures": "dashboard", "escalations": "list"}
	if len(m.Pages) != len(want) {
		t.Errorf("%d pages, want %d", len(m.Pages), len(want))
	}
	for _, p := range m.Pages {
		if want[p.ID] != p.Kind {
			t.Errorf("page %s is a %s, want %q", p.ID, p.Kind, want[p.ID])
		}
	}
}
