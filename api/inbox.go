package api

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
)

// NotificationJSON is a message in the caller's inbox.
type NotificationJSON struct {
	ID        string     `json:"id"`
	Source    string     `json:"source"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Link      string     `json:"link,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

type inboxQuery struct {
	Unread string `query:"unread" doc:"true: only unread messages"`
	pageQuery
}

func (s *Server) inboxRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/t/:tenant/inbox", Summary: "My notifications, newest first", Tag: "inbox",
			Access: SignedIn(), Query: inboxQuery{}, Resp: PageJSON[NotificationJSON]{}, handler: s.inbox},
		{Method: http.MethodPost, Path: "/t/:tenant/inbox/:id/read", Summary: "Mark a notification read", Tag: "inbox",
			Access: SignedIn(), Status: http.StatusNoContent, handler: s.markRead},
	}
}

func (s *Server) inbox(c *fiber.Ctx) error {
	var v core.Validator
	pr := pageRequest(c, &v)
	unread := c.Query("unread")
	if unread != "" {
		v.OneOf("unread", unread, "true", "false")
	}
	if err := v.Err(); err != nil {
		return err
	}
	lang := langOf(c)
	p, err := s.svc.Inbox.Inbox(s.homeCtx(c), principalOf(c).UserID, unread == "true", pr)
	if err != nil {
		return err
	}
	return c.JSON(pageOf(p, func(n *core.Notification) NotificationJSON {
		title, body := n.TitleZH, n.BodyZH
		if lang == "en" && n.TitleEN != "" {
			title, body = n.TitleEN, n.BodyEN
		}
		return NotificationJSON{ID: n.ID, Source: n.Source, Title: title, Body: body, Link: n.Link, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}
	}))
}

func (s *Server) markRead(c *fiber.Ctx) error {
	if err := s.svc.Inbox.MarkRead(s.homeCtx(c), principalOf(c).UserID, c.Params("id")); err != nil {
		return err
	}
	return noContent(c)
}
