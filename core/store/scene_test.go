package store_test

import (
	"fmt"
	"testing"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/store/storetest"
)

// TestSceneDocuments checks the document store on both dialects: paging by
// a number field across pages, mixed types in a number field, filters,
// aggregates, stale versions, and isolation between tenants and scenes.
func TestSceneDocuments(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *storetest.DB) {
		tr := makeTree(t, db)
		hs, jb := home(tr.haishu), home(tr.jiangbei)
		const sc = "renda.budget"
		amount := core.DocField{Name: "amount", Type: "number"}
		dept := core.DocField{Name: "dept", Type: "string"}
		if err := db.EnsureSceneIndex(hs, sc, "items", amount); err != nil {
			t.Fatal(err)
		}
		for i := range 25 {
			data := fmt.Sprintf(`{"amount": %d.5, "dept": "d%d"}`, 100-i, i%3)
			if _, err := db.CreateDocument(hs, sc, "items", fmt.Sprintf("i%02d", i), []byte(data)); err != nil {
				t.Fatal(err)
			}
		}
		// A wrong-typed value neither breaks the query nor sorts among numbers.
		if _, err := db.CreateDocument(hs, sc, "items", "odd", []byte(`{"amount": "lots", "dept": "d9"}`)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateDocument(jb, sc, "items", "i00", []byte(`{"amount": 1}`)); err != nil {
			t.Fatalf("same id in another tenant: %v", err)
		}
		var got []string
		cursor := ""
		for {
			p, err := db.QueryDocuments(hs, sc, "items", core.DocQuery{Sort: &amount, Limit: 10, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range p.Items {
				got = append(got, d.ID)
			}
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		if len(got) != 26 || got[0] != "odd" || got[1] != "i24" || got[25] != "i00" {
			t.Errorf("ascending by amount over pages: %v", got)
		}
		p, err := db.QueryDocuments(hs, sc, "items", core.DocQuery{Filters: []core.DocFilter{{Field: amount, Op: "gte", Values: []string{"90"}}}})
		if err != nil || len(p.Items) != 11 {
			t.Errorf("amount >= 90: %d items, %v", len(p.Items), err)
		}
		groups, err := db.AggregateDocuments(hs, sc, "items", nil, &dept, &amount)
		if err != nil || len(groups) != 4 || groups[0].Key != "d0" || groups[0].Count != 9 {
			t.Errorf("aggregate by dept: %+v, %v", groups, err)
		}
		d, _ := db.GetDocument(hs, sc, "items", "i01")
		if _, err := db.UpdateDocument(hs, sc, "items", "i01", d.Version+1, []byte(`{}`)); core.ErrorCode(err) != core.ECONFLICT {
			t.Errorf("stale update: %v", err)
		}
		if _, err := db.GetDocument(hs, "renda.other", "items", "i01"); !core.IsNotFound(err) {
			t.Errorf("another scene reads the document: %v", err)
		}
		if doc, err := db.GetDocument(jb, sc, "items", "i01"); !core.IsNotFound(err) {
			t.Errorf("another tenant reads the document: %v %v", doc, err)
		}
		if _, err := db.CreateDocument(hs, sc, "items", "x", []byte(`[1]`)); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("array document: %v", err)
		}
	})
}
