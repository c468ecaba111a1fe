package issuesupervision_test

import (
	"net/http"
	"testing"

	is "github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/plugins/scene/scenetest"
)

// A constituent messages a deputy through the deputy code page; the deputy
// answers one and adopts another as an issue; the constituent reads the
// answer with the receipt; a flood from one caller is stopped.
func TestConstituentMessages(t *testing.T) {
	h := scenetest.New(t, is.New("1.0.0"))
	deputy := h.Principal("deputy", "王建国")
	deputy.DeputyID = "0190b6a0-0000-7000-8000-0000000000aa"
	other := h.Principal("deputy", "李秀英")
	other.DeputyID = "0190b6a0-0000-7000-8000-0000000000bb"
	h.AddDeputy("haishu", scene.DirectoryEntry{ID: deputy.DeputyID, Name: "王建国", Kind: "deputy"})
	post := func(ip, content string) *scenetest.Result {
		return h.Request(http.MethodPost, "/public/deputies/"+deputy.DeputyID+"/messages").Header("X-Renda-Client-Ip", ip).
			JSON(is.MessageInput{Name: "陈女士", Phone: "13800000000", Content: content, Address: "海曙区鼓楼街道"}).Do()
	}
	var first, second struct{ ID, Token string }
	r := post("10.0.0.1", "小区门口路灯坏了一个月了")
	if r.Status != http.StatusCreated {
		t.Fatalf("message: %s", r)
	}
	r.Decode(t, &first)
	post("10.0.0.1", "楼道里堆满杂物，消防隐患").Decode(t, &second)
	if r := h.Request(http.MethodPost, "/public/deputies/not-a-deputy/messages").JSON(is.MessageInput{Content: "x"}).Do(); r.Status != http.StatusNotFound {
		t.Errorf("unknown deputy: %s", r)
	}
	if r := h.Request(http.MethodPost, "/public/deputies/"+deputy.DeputyID+"/messages").JSON(is.MessageInput{}).Do(); r.Status != http.StatusBadRequest {
		t.Errorf("empty message: %s", r)
	}
	for range 3 {
		post("10.0.0.1", "重复留言")
	}
	if r := post("10.0.0.1", "第六条"); r.Status != http.StatusConflict {
		t.Errorf("sixth message in an hour from one caller: %s", r)
	}
	if r := post("10.0.0.2", "另一位群众"); r.Status != http.StatusCreated {
		t.Errorf("another caller: %s", r)
	}
	// The deputy sees their messages, another deputy none.
	var list struct{ Items []is.MessageJSON }
	h.Request(http.MethodGet, "/messages").As(deputy).Do().Decode(t, &list)
	if len(list.Items) != 6 {
		t.Errorf("deputy's messages: %d, want 6", len(list.Items))
	}
	h.Request(http.MethodGet, "/messages").As(other).Do().Decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("another deputy sees %d messages", len(list.Items))
	}
	// Answer one; the constituent reads it with the receipt, not without.
	if r := h.Request(http.MethodPost, "/messages/"+first.ID+"/answer").As(deputy).JSON(map[string]string{"answer": "已联系街道，本周修复。"}).Do(); r.Status != http.StatusOK {
		t.Fatalf("answer: %s", r)
	}
	var pub map[string]string
	h.Request(http.MethodGet, "/public/messages/"+first.ID+"?token="+first.Token).Do().Decode(t, &pub)
	if pub["status"] != "answered" || pub["answer"] != "已联系街道，本周修复。" {
		t.Errorf("public answer: %v", pub)
	}
	if r := h.Request(http.MethodGet, "/public/messages/"+first.ID+"?token=guess").Do(); r.Status != http.StatusNotFound {
		t.Errorf("wrong receipt: %s", r)
	}
	// Adopt the other as an issue.
	lat, lng := 29.87, 121.55
	r = h.Request(http.MethodPost, "/messages/"+second.ID+"/adopt").As(deputy).JSON(is.AdoptInput{Category: "environment", Lat: &lat, Lng: &lng}).Do()
	if r.Status != http.StatusCreated {
		t.Fatalf("adopt: %s", r)
	}
	var iss is.IssueJSON
	r.Decode(t, &iss)
	if iss.DeputyID != deputy.DeputyID || iss.State != is.Routed {
		t.Errorf("adopted issue: %+v", iss)
	}
	if r := h.Request(http.MethodPost, "/messages/"+second.ID+"/adopt").As(deputy).JSON(is.AdoptInput{Category: "environment", Lat: &lat, Lng: &lng}).Do(); r.Status != http.StatusConflict {
		t.Errorf("adopting twice: %s", r)
	}
	if r := h.Request(http.MethodPost, "/messages/"+second.ID+"/answer").As(other).JSON(map[string]string{"answer": "x"}).Do(); r.Status != http.StatusNotFound {
		t.Errorf("another deputy answers: %s", r)
	}
}
