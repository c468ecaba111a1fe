package api

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
)

// DepartmentJSON is a government department.
type DepartmentJSON struct {
	ID        string    `json:"id"`
	Code      string    `json:"code"`
	NameZH    string    `json:"name_zh"`
	NameEN    string    `json:"name_en,omitempty"`
	Contact   string    `json:"contact,omitempty"`
	Active    bool      `json:"active"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DepartmentInputJSON creates or replaces a department.
type DepartmentInputJSON struct {
	Code    string `json:"code"`
	NameZH  string `json:"name_zh"`
	NameEN  string `json:"name_en,omitempty"`
	Contact string `json:"contact,omitempty"`
	Active  *bool  `json:"active,omitempty"`
}

// DepartmentListJSON lists departments.
type DepartmentListJSON struct {
	Items []DepartmentJSON `json:"items"`
}

func departmentJSON(d *core.Department) DepartmentJSON {
	return DepartmentJSON{ID: d.ID, Code: d.Code, NameZH: d.NameZH, NameEN: d.NameEN, Contact: d.Contact, Active: d.Active, UpdatedAt: d.UpdatedAt}
}

func (in DepartmentInputJSON) toCore() core.DepartmentInput {
	active := in.Active == nil || *in.Active
	return core.DepartmentInput{Code: in.Code, NameZH: in.NameZH, NameEN: in.NameEN, Contact: in.Contact, Active: active}
}

func (s *Server) departmentRoutes() []Route {
	read, write := Perm(core.ObjDepartments, core.ActRead), Perm(core.ObjDepartments, core.ActWrite)
	return []Route{
		{Method: http.MethodGet, Path: "/t/:tenant/departments", Summary: "Government departments", Tag: "departments",
			Access: read, Resp: DepartmentListJSON{}, handler: s.listDepartments},
		{Method: http.MethodPost, Path: "/t/:tenant/departments", Summary: "Add a department", Tag: "departments",
			Access: write, Body: DepartmentInputJSON{}, Resp: DepartmentJSON{}, Status: http.StatusCreated, handler: s.createDepartment},
		{Method: http.MethodPut, Path: "/t/:tenant/departments/:id", Summary: "Replace a department", Tag: "departments",
			Access: write, Body: DepartmentInputJSON{}, Resp: DepartmentJSON{}, handler: s.putDepartment},
	}
}

func (s *Server) listDepartments(c *fiber.Ctx) error {
	ds, err := s.svc.Departments.Departments(c.UserContext())
	if err != nil {
		return err
	}
	out := DepartmentListJSON{Items: make([]DepartmentJSON, len(ds))}
	for i, d := range ds {
		out.Items[i] = departmentJSON(d)
	}
	return c.JSON(out)
}

func (s *Server) createDepartment(c *fiber.Ctx) error {
	var in DepartmentInputJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.svc.Departments.CreateDepartment(c.UserContext(), in.toCore())
	if err != nil {
		return err
	}
	return created(c, departmentJSON(d))
}

func (s *Server) putDepartment(c *fiber.Ctx) error {
	var in DepartmentInputJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.svc.Departments.UpdateDepartment(c.UserContext(), c.Params("id"), in.toCore())
	if err != nil {
		return err
	}
	return c.JSON(departmentJSON(d))
}
