package api

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
)

// DutyActivityJSON is one entry of a deputy's duty archive.
type DutyActivityJSON struct {
	ID         string    `json:"id"`
	DeputyID   string    `json:"deputy_id"`
	Kind       string    `json:"kind"`
	Scene      string    `json:"scene"`
	Ref        string    `json:"ref,omitempty"`
	Title      string    `json:"title"`
	OccurredAt time.Time `json:"occurred_at"`
	RecordedBy string    `json:"recorded_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// DutyActivityInputJSON records an activity done outside any scene
// (a meeting attended, a visit), entered by staff.
type DutyActivityInputJSON struct {
	Kind       string    `json:"kind"`
	Ref        string    `json:"ref,omitempty"`
	Title      string    `json:"title"`
	OccurredAt time.Time `json:"occurred_at"`
}

func dutyJSON(a *core.DutyActivity) DutyActivityJSON {
	return DutyActivityJSON{ID: a.ID, DeputyID: a.DeputyID, Kind: a.Kind, Scene: a.Scene, Ref: a.Ref, Title: a.Title,
		OccurredAt: a.OccurredAt, RecordedBy: a.RecordedBy, CreatedAt: a.CreatedAt}
}

func (s *Server) dutyRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/t/:tenant/deputies/:id/activities", Summary: "A deputy's duty archive, newest first", Tag: "duty",
			Access: Perm(core.ObjDuty, core.ActRead), Query: pageQuery{}, Resp: PageJSON[DutyActivityJSON]{}, handler: s.listActivities},
		{Method: http.MethodPost, Path: "/t/:tenant/deputies/:id/activities", Summary: "Record an offline duty activity", Tag: "duty",
			Access: Perm(core.ObjDuty, core.ActWrite), Body: DutyActivityInputJSON{}, Resp: DutyActivityJSON{}, Status: http.StatusCreated, handler: s.recordActivity},
	}
}

func (s *Server) listActivities(c *fiber.Ctx) error {
	var v core.Validator
	pr := pageRequest(c, &v)
	if err := v.Err(); err != nil {
		return err
	}
	p, err := s.svc.Duty.ListActivities(c.UserContext(), c.Params("id"), pr)
	if err != nil {
		return err
	}
	return c.JSON(pageOf(p, dutyJSON))
}

func (s *Server) recordActivity(c *fiber.Ctx) error {
	var in DutyActivityInputJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	a, err := s.svc.Duty.RecordActivity(c.UserContext(), core.DutyActivityInput{DeputyID: c.Params("id"), Kind: in.Kind,
		Scene: "core", Ref: in.Ref, Title: in.Title, OccurredAt: in.OccurredAt})
	if err != nil {
		return err
	}
	return created(c, dutyJSON(a))
}
