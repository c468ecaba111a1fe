package scenetest

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// row is a document with its top-level fields parsed.
type row struct {
	doc    *scene.Document
	fields map[string]json.RawMessage
}

// text is a field as PostgreSQL's data->>'field' gives it; ok is false when
// the field is missing or null (SQL NULL, which no filter matches).
func (r row) text(field string) (string, bool) {
	raw, ok := r.fields[field]
	if !ok || string(raw) == "null" {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	return string(raw), true
}

// number is a number field as ((data->>'field')::numeric) gives it. A value
// that is not a number fails the query, as the cast fails in SQL.
func (r row) number(field string) (float64, bool, error) {
	t, ok := r.text(field)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, false, fmt.Errorf("scenetest: field %s of document %s is %q, not a number", field, r.doc.ID, t)
	}
	return n, true, nil
}

// key is the value a document sorts by: created_at, or the indexed field
// with a missing value sorting as "" or 0.
func (r row) key(sort *scene.IndexedField) (any, error) {
	if sort == nil {
		return r.doc.CreatedAt, nil
	}
	if sort.Type == "number" {
		n, _, err := r.number(sort.Field)
		return n, err
	}
	s, _ := r.text(sort.Field)
	return s, nil
}

func compareKeys(a, b any) int {
	switch x := a.(type) {
	case time.Time:
		return x.Compare(b.(time.Time))
	case float64:
		return cmp.Compare(x, b.(float64))
	}
	return strings.Compare(a.(string), b.(string))
}

// filter is a checked scene.Filter.
type filter struct {
	ix     scene.IndexedField
	op     string
	values []string
	nums   []float64
}

var filterOps = []string{"eq", "ne", "lt", "lte", "gt", "gte", "in", "prefix"}

func (h *Harness) filters(c scene.Collection, fs []scene.Filter) ([]filter, error) {
	out := make([]filter, len(fs))
	for i, f := range fs {
		ix, err := indexed(c, f.Field)
		if err != nil {
			return nil, err
		}
		if len(f.Values) == 0 || len(f.Values) > maxFilterValues || (f.Op != "in" && len(f.Values) != 1) {
			return nil, invalidField("filters", "字段“"+f.Field+"”的筛选值个数不对。", "Wrong number of filter values for "+f.Field+".")
		}
		out[i] = filter{ix: ix, op: f.Op, values: f.Values}
		if ix.Type == "number" {
			for _, v := range f.Values {
				n, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return nil, invalidField("filters", "字段“"+f.Field+"”的筛选值须为数字。", "Filters on "+f.Field+" need a number.")
				}
				out[i].nums = append(out[i].nums, n)
			}
		}
		if !slices.Contains(filterOps, f.Op) || (f.Op == "prefix" && ix.Type == "number") {
			return nil, invalidField("filters", "不支持的筛选操作“"+f.Op+"”。", "Unsupported filter operation "+f.Op+".")
		}
	}
	return out, nil
}

func (f filter) match(r row) (bool, error) {
	var c func(i int) int
	if f.ix.Type == "number" {
		n, ok, err := r.number(f.ix.Field)
		if !ok || err != nil {
			return false, err
		}
		c = func(i int) int { return cmp.Compare(n, f.nums[i]) }
	} else {
		s, ok := r.text(f.ix.Field)
		if !ok {
			return false, nil
		}
		if f.op == "prefix" {
			return strings.HasPrefix(s, f.values[0]), nil
		}
		c = func(i int) int { return strings.Compare(s, f.values[i]) }
	}
	switch f.op {
	case "eq":
		return c(0) == 0, nil
	case "ne":
		return c(0) != 0, nil
	case "lt":
		return c(0) < 0, nil
	case "lte":
		return c(0) <= 0, nil
	case "gt":
		return c(0) > 0, nil
	case "gte":
		return c(0) >= 0, nil
	}
	for i := range f.values {
		if c(i) == 0 {
			return true, nil
		}
	}
	return false, nil
}

// selectRows returns the documents of a collection that match every
// filter. Hold h.mu.
func (s *fakeStore) selectRows(collection string, fs []filter) ([]row, error) {
	var out []row
	for _, d := range s.host.h.tenant(s.host.tenant).docs[collection] {
		r := row{doc: d}
		if err := json.Unmarshal(d.Data, &r.fields); err != nil {
			return nil, fmt.Errorf("scenetest: document %s: %w", d.ID, err)
		}
		keep := true
		for _, f := range fs {
			ok, err := f.match(r)
			if err != nil {
				return nil, err
			}
			keep = keep && ok
		}
		if keep {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *fakeStore) Query(_ context.Context, collection string, q scene.Query) ([]*scene.Document, string, error) {
	if err := s.host.enter(scene.CapStore); err != nil {
		return nil, "", err
	}
	h := s.host.h
	c, err := h.collection(collection)
	if err != nil {
		return nil, "", err
	}
	fs, err := h.filters(c, q.Filters)
	if err != nil {
		return nil, "", err
	}
	sortName, desc := cmp.Or(q.Sort, "-created_at"), false
	if name, ok := strings.CutPrefix(sortName, "-"); ok {
		sortName, desc = name, true
	}
	var sort *scene.IndexedField
	if sortName != "created_at" {
		ix, err := indexed(c, sortName)
		if err != nil {
			return nil, "", err
		}
		sort = &ix
	}
	after, err := decodeCursor(q.Cursor, sort)
	if err != nil {
		return nil, "", err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	rows, err := s.selectRows(collection, fs)
	if err != nil {
		return nil, "", err
	}
	type keyed struct {
		row
		key any
	}
	list := make([]keyed, 0, len(rows))
	for _, r := range rows {
		k, err := r.key(sort)
		if err != nil {
			return nil, "", err
		}
		list = append(list, keyed{r, k})
	}
	order := func(a, b keyed) int {
		return cmp.Or(compareKeys(a.key, b.key), strings.Compare(a.doc.ID, b.doc.ID))
	}
	if desc {
		slices.SortFunc(list, func(a, b keyed) int { return order(b, a) })
	} else {
		slices.SortFunc(list, order)
	}
	if after != nil {
		list = slices.DeleteFunc(list, func(k keyed) bool {
			c := cmp.Or(compareKeys(k.key, after.key), strings.Compare(k.doc.ID, after.id))
			return (!desc && c <= 0) || (desc && c >= 0)
		})
	}
	n := q.Limit
	switch {
	case n <= 0:
		n = defaultLimit
	case n > maxLimit:
		n = maxLimit
	}
	var next string
	if len(list) > n {
		list = list[:n]
		next = encodeCursor(list[n-1].key, list[n-1].doc.ID)
	}
	out := make([]*scene.Document, len(list))
	for i, k := range list {
		out[i] = copyDoc(k.doc)
	}
	return out, next, nil
}

type cursor struct {
	key any
	id  string
}

// encodeCursor makes the real host's cursor: the last sort key and id.
func encodeCursor(key any, id string) string {
	if t, ok := key.(time.Time); ok {
		key = t.UTC().Format(time.RFC3339Nano)
	}
	b, _ := json.Marshal([]any{key, id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(c string, sort *scene.IndexedField) (*cursor, error) {
	if c == "" {
		return nil, nil
	}
	bad := invalidField("cursor", "分页游标无效，请从第一页重新开始。", "The page cursor is not valid; start again from the first page.")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 || len(b) > 200 {
		return nil, bad
	}
	var raw []json.RawMessage
	var id string
	if json.Unmarshal(b, &raw) != nil || len(raw) != 2 || json.Unmarshal(raw[1], &id) != nil {
		return nil, bad
	}
	var s string
	var n float64
	switch {
	case sort != nil && sort.Type == "number" && json.Unmarshal(raw[0], &n) == nil:
		return &cursor{key: n, id: id}, nil
	case sort != nil && sort.Type != "number" && json.Unmarshal(raw[0], &s) == nil:
		return &cursor{key: s, id: id}, nil
	case sort == nil && json.Unmarshal(raw[0], &s) == nil:
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, bad
		}
		return &cursor{key: t, id: id}, nil
	}
	return nil, bad
}

func (s *fakeStore) Aggregate(_ context.Context, collection string, filters []scene.Filter, groupBy, sum string) ([]scene.Group, error) {
	if err := s.host.enter(scene.CapStore); err != nil {
		return nil, err
	}
	h := s.host.h
	c, err := h.collection(collection)
	if err != nil {
		return nil, err
	}
	fs, err := h.filters(c, filters)
	if err != nil {
		return nil, err
	}
	var group, total *scene.IndexedField
	if groupBy != "" {
		ix, err := indexed(c, groupBy)
		if err != nil {
			return nil, err
		}
		group = &ix
	}
	if sum != "" {
		ix, err := indexed(c, sum)
		if err != nil {
			return nil, err
		}
		if ix.Type != "number" {
			return nil, invalidField("sum", "只能对数字字段“"+sum+"”求和。", "Only number fields can be summed ("+sum+").")
		}
		total = &ix
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	rows, err := s.selectRows(collection, fs)
	if err != nil {
		return nil, err
	}
	groups := map[string]*scene.Group{}
	if group == nil {
		groups[""] = &scene.Group{}
	}
	for _, r := range rows {
		var k string
		if group != nil {
			k, _ = r.text(group.Field)
		}
		g := groups[k]
		if g == nil {
			g = &scene.Group{Key: k}
			groups[k] = g
		}
		g.Count++
		if total != nil {
			n, _, err := r.number(total.Field)
			if err != nil {
				return nil, err
			}
			g.Sum += n
		}
	}
	out := make([]scene.Group, 0, len(groups))
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		out = append(out, *groups[k])
	}
	if len(out) > maxGroups {
		out = out[:maxGroups]
	}
	return out, nil
}
