package core

// Page is one page of a list. NextCursor is empty on the last page; pass it
// back unchanged to get the next one.
type Page[T any] struct {
	Items      []T
	NextCursor string
}

// PageRequest asks for a page. Limit is clamped to [1, MaxPageSize]; zero
// means DefaultPageSize.
type PageRequest struct {
	Cursor string
	Limit  int
}

// Page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// Size returns the effective page size.
func (r PageRequest) Size() int {
	switch {
	case r.Limit <= 0:
		return DefaultPageSize
	case r.Limit > MaxPageSize:
		return MaxPageSize
	}
	return r.Limit
}
