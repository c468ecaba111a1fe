package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
)

// PageJSON is one page of a list.
type PageJSON[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func pageOf[D, J any](p core.Page[D], conv func(D) J) PageJSON[J] {
	out := PageJSON[J]{Items: make([]J, 0, len(p.Items)), NextCursor: p.NextCursor}
	for _, it := range p.Items {
		out.Items = append(out.Items, conv(it))
	}
	return out
}

// pageQuery reads cursor and limit from the query string.
type pageQuery struct {
	Cursor string `query:"cursor" doc:"opaque cursor from the previous page's next_cursor"`
	Limit  int    `query:"limit" doc:"page size, 1 to 200, default 50"`
}

func pageRequest(c *fiber.Ctx, v *core.Validator) core.PageRequest {
	pr := core.PageRequest{Cursor: c.Query("cursor")}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > core.MaxPageSize {
			v.Add("limit", "field.bad_number")
		}
		pr.Limit = n
	}
	return pr
}

// timeQuery parses an optional RFC 3339 query parameter.
func timeQuery(c *fiber.Ctx, name string, v *core.Validator) *time.Time {
	s := c.Query(name)
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		v.Add(name, "field.bad_time")
		return nil
	}
	return &t
}

// bind decodes the JSON body into v.
func bind(c *fiber.Ctx, v any) error { return Decode(c.Body(), v) }

func created(c *fiber.Ctx, v any) error { return c.Status(fiber.StatusCreated).JSON(v) }

func noContent(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusNoContent) }
