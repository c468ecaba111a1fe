package core

import (
	"context"
	"regexp"
	"time"
)

// Department is a government department a congress works with (住建局,
// 城管局): issues and suggestions are routed to departments, and they
// answer.
type Department struct {
	ID        string
	TenantID  string
	Code      string // short stable code, e.g. "zjj"
	NameZH    string
	NameEN    string
	Contact   string
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// DepartmentInput creates or replaces a department.
type DepartmentInput struct {
	Code    string
	NameZH  string
	NameEN  string
	Contact string
	Active  bool
}

var deptCode = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// Validate checks the input.
func (in DepartmentInput) Validate() error {
	var v Validator
	if v.Required("code", in.Code) && !deptCode.MatchString(in.Code) {
		v.Add("code", "department.code_invalid")
	}
	v.Text("name_zh", in.NameZH, 100)
	v.OptionalText("name_en", in.NameEN, 200)
	v.OptionalText("contact", in.Contact, 200)
	return v.Err()
}

// DepartmentService keeps the departments of the scope's tenant.
type DepartmentService interface {
	// CreateDepartment adds one. ECONFLICT for a taken code.
	CreateDepartment(ctx context.Context, in DepartmentInput) (*Department, error)
	// UpdateDepartment replaces one. ENOTFOUND, ECONFLICT.
	UpdateDepartment(ctx context.Context, id string, in DepartmentInput) (*Department, error)
	// Departments lists them by code.
	Departments(ctx context.Context) ([]*Department, error)
}
