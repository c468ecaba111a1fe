package main

import (
	"context"
	"io"
	"log/slog"
	"math"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
)

func TestHaversine(t *testing.T) {
	// Ningbo's Gulou to Zhenhai's Zhaobaoshan is about 17 km as the crow flies.
	got := haversineKm(29.8746, 121.5498, 29.9560, 121.7150)
	if got < 17 || got > 19 {
		t.Errorf("Gulou to Zhaobaoshan: %.2f km", got)
	}
	if d := haversineKm(29.8746, 121.5498, 29.8746, 121.5498); d != 0 {
		t.Errorf("same point: %v km", d)
	}
	// One degree of latitude is about 111.2 km everywhere.
	if d := haversineKm(0, 0, 1, 0); math.Abs(d-111.19) > 0.05 {
		t.Errorf("one degree: %.3f km", d)
	}
}

func TestNearest(t *testing.T) {
	ws := workers()
	for _, tc := range []struct {
		name      string
		lat, long *float64
		address   string
		want      string
		distance  bool
	}{
		{"Gulou", ptr(29.8752), ptr(121.5490), "", "张海军", true},
		{"Ximen, a few hundred metres west", ptr(29.8738), ptr(121.5360), "", "周丽娟", true},
		{"Minglou", ptr(29.8685), ptr(121.5822), "", "王建国", true},
		{"Beilun port", ptr(29.9300), ptr(121.8800), "", "刘志强", true},
		{"address names the street", nil, nil, "江北区白沙街道某小区", "李红梅", false},
		{"nothing known: the duty worker", nil, nil, "某路口", "张海军", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, km := nearest(ws, tc.lat, tc.long, tc.address)
			if w.Name != tc.want || (km >= 0) != tc.distance {
				t.Errorf("got %s at %.2f km, want %s (distance known: %v)", w.Name, km, tc.want, tc.distance)
			}
		})
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	state := filepath.Join(t.TempDir(), "gridsim.json")
	cfg := config{apiKey: testKey, acceptAfter: time.Hour, resolveAfter: 20 * time.Millisecond, stateFile: state}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	first, err := newPlatform(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	svc, _ := first.service("road-fallen-tree")
	created := first.create(open311.RequestForm{ServiceCode: svc.Code, Lat: ptr(29.8752), Long: ptr(121.549), Description: "倒伏"}, svc)
	first.shutdown(context.Background())

	// Restarted with a short accept delay, the overdue dispatch happens at once and the request
	// then closes, as if the platform had kept running.
	cfg.acceptAfter = 0
	second, err := newPlatform(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(second.handler())
	t.Cleanup(func() { srv.Close(); second.shutdown(context.Background()) })
	c := client(t, srv, testKey)

	got := waitFor(t, c, created.ServiceRequestID, "closed", func(r open311.ServiceRequest) bool { return r.Status == open311.Closed })
	if got.Description != "倒伏" || !got.RequestedAt.Equal(created.RequestedAt.Truncate(time.Second)) || !strings.Contains(got.StatusNotes, "张海军") {
		t.Errorf("after restart: %+v", got)
	}
	next, err := c.PostRequest(open311.RequestForm{ServiceCode: "other", AddressString: "鼓楼"})
	if err != nil {
		t.Fatal(err)
	}
	if next.ServiceRequestID == created.ServiceRequestID || !strings.HasSuffix(next.ServiceRequestID, "0002") {
		t.Errorf("the sequence did not continue: first %s, next %s", created.ServiceRequestID, next.ServiceRequestID)
	}
}

func TestBadStateFile(t *testing.T) {
	state := filepath.Join(t.TempDir(), "gridsim.json")
	if err := writeFileAtomic(state, "not a state"); err != nil {
		t.Fatal(err)
	}
	_, err := newPlatform(config{apiKey: testKey, stateFile: state}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil {
		t.Fatal("a corrupt state file was accepted")
	}
}
