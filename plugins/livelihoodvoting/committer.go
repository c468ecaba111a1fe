package livelihoodvoting

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/renda-platform/renda/plugins/livelihoodvoting/ballot"
	"github.com/renda-platform/renda/plugins/scene"
)

// item is one cast (online or paper) or paper-roll entry waiting to be committed: the writes it
// needs and what it adds to the box.
type item struct {
	// needOpen refuses the item unless the box is open and in its window (online votes, paper
	// voters); paper ballots may also be entered after the close, before the count.
	needOpen bool
	// voter is the id of the voter record the item creates, "" if none.
	voter  string
	online int
	paper  int // paper voters added
	// paperBallots are paper ballots added; a secret ballot never has more than paper voters.
	paperBallots int
	writes       []scene.Write
	// sealed is the ballot the item puts in the urn, nil if none.
	sealed *ballot.Sealed
	// recheck, when set, says why the item cannot commit after a conflict (nil: try again).
	recheck func(ctx context.Context, h scene.Host) error
	// audit, when set, is the item's audit entry, stored with its group. A group is written
	// under its leader's binding and the entry names who acted, so such an item goes only in
	// the group it leads (paper entry by staff; casts have none).
	audit *scene.AuditDraft
	done  chan error
	lead  chan struct{}
}

func (it *item) urns() int {
	if it.sealed != nil {
		return 1
	}
	return 0
}

// committer writes casts in groups: one transaction per group, per round. A cast waits while
// a group is being written; the next group takes every cast that arrived meanwhile (up to the
// store's 100 writes), led by one of the waiting casts' handlers with its own host binding.
//
// It remembers, per congress and round, the box as its last group wrote it (the next group
// writes against that version without reading it; a conflict means someone else wrote it and
// the box is read again) and the voter records its groups committed (a second cast by the
// same deputy is refused without a write). Both are only shortcuts: the box's version and the
// voter record's id decide in the store.
type committer struct {
	mu     sync.Mutex
	queues map[string]*queue
	boxes  map[string]cachedBox
	voters map[string]map[string]bool
}

type queue struct {
	pending []*item
	busy    bool
}

type cachedBox struct {
	box Box
	ver int64
}

func newCommitter() *committer {
	return &committer{queues: map[string]*queue{}, boxes: map[string]cachedBox{}, voters: map[string]map[string]bool{}}
}

// voted reports whether a group of this process committed the voter record.
func (c *committer) voted(tenant, roundID, voter string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.voters[tenant+"/"+roundID][voter]
}

// remember keeps a committed group's box and voter records. Call with c.mu held.
func (c *committer) remember(key string, box Box, ver int64, group []*item) {
	if _, ok := c.boxes[key]; !ok && len(c.boxes) >= maxCached {
		clear(c.boxes)
	}
	c.boxes[key] = cachedBox{box: box, ver: ver}
	set := c.voters[key]
	if set == nil {
		if len(c.voters) >= maxCached {
			clear(c.voters)
		}
		set = map[string]bool{}
		c.voters[key] = set
	}
	for _, it := range group {
		if it.voter != "" {
			set[it.voter] = true
		}
	}
}

// maxWrites is the writes of a group besides the box's update and its urn document.
const maxWrites = 98

// submit commits it with others of the same round and returns its outcome.
func (c *committer) submit(ctx context.Context, h scene.Host, tenant, roundID string, it *item) error {
	it.done, it.lead = make(chan error, 1), make(chan struct{}, 1)
	key := tenant + "/" + roundID
	c.mu.Lock()
	q := c.queues[key]
	if q == nil {
		q = &queue{}
		c.queues[key] = q
	}
	q.pending = append(q.pending, it)
	leader := !q.busy
	q.busy = true
	c.mu.Unlock()
	if leader {
		c.leadGroup(ctx, h, key, roundID, q, it)
	}
	for {
		select {
		case err := <-it.done:
			return err
		case <-it.lead:
			c.leadGroup(ctx, h, key, roundID, q, it)
		case <-ctx.Done():
			c.mu.Lock()
			i := slices.Index(q.pending, it)
			if i < 0 { // being written by another's group: its outcome follows
				c.mu.Unlock()
				return <-it.done
			}
			q.pending = slices.Delete(q.pending, i, i+1)
			select {
			case <-it.lead:
				c.handOff(key, q)
			default:
			}
			c.mu.Unlock()
			return ctx.Err()
		}
	}
}

// handOff passes the lead to the oldest waiting item, or ends the queue's work. Call with c.mu
// held.
func (c *committer) handOff(key string, q *queue) {
	if len(q.pending) > 0 {
		q.pending[0].lead <- struct{}{}
		return
	}
	q.busy = false
	delete(c.queues, key)
}

// leadGroup writes one group, own first, then hands the lead on.
func (c *committer) leadGroup(ctx context.Context, h scene.Host, key, roundID string, q *queue, own *item) {
	c.mu.Lock()
	var group, rest []*item
	voters := map[string]bool{}
	n := 0
	var refused []*item
	take := func(it *item) bool {
		if it.voter != "" && c.voters[key][it.voter] {
			refused = append(refused, it)
			return true
		}
		if n+len(it.writes) > maxWrites || it.voter != "" && voters[it.voter] || it.audit != nil && it != own {
			return false
		}
		n += len(it.writes)
		if it.voter != "" {
			voters[it.voter] = true
		}
		group = append(group, it)
		return true
	}
	if i := slices.Index(q.pending, own); i >= 0 {
		q.pending = slices.Delete(q.pending, i, i+1)
		take(own)
	}
	for _, it := range q.pending {
		if !take(it) {
			rest = append(rest, it) // a second cast by the same deputy waits for the first's outcome
		}
	}
	q.pending = rest
	c.mu.Unlock()

	for _, it := range refused {
		it.done <- errAlreadyVoted
	}
	c.write(ctx, h, key, roundID, group)

	c.mu.Lock()
	c.handOff(key, q)
	c.mu.Unlock()
}

// write commits a group with the box's update, retrying without the items a conflict shows
// cannot commit.
func (c *committer) write(ctx context.Context, h scene.Host, key, roundID string, group []*item) {
	finish := func(it *item, err error) { it.done <- err }
	for attempt := 0; len(group) > 0; attempt++ {
		c.mu.Lock()
		cached, fromCache := c.boxes[key]
		c.mu.Unlock()
		box, ver := cached.box, cached.ver
		if !fromCache {
			var err error
			if box, ver, err = loadBox(ctx, h, roundID); err != nil {
				for _, it := range group {
					finish(it, err)
				}
				return
			}
		}
		now := time.Now()
		var ok []*item
		for _, it := range group {
			switch {
			case it.needOpen && (box.State != BallotOpen || !inWindow(&BallotConfig{OpensAt: box.OpensAt, ClosesAt: box.ClosesAt}, now)):
				finish(it, errBallotNotOpen)
			case box.State == BallotCounted:
				finish(it, errCounted)
			case box.Secret && it.paperBallots > 0 && box.PaperBallots+it.paperBallots > box.PaperVoters:
				finish(it, errTooManyPaper)
			default:
				box.Online += it.online
				box.PaperVoters += it.paper
				box.PaperBallots += it.paperBallots
				box.Ballots += it.urns()
				if it.voter != "" {
					box.Voted++
				}
				ok = append(ok, it)
			}
		}
		group = ok
		if len(group) == 0 {
			return
		}
		var audits []scene.AuditDraft
		for _, it := range group {
			if it.audit != nil {
				audits = append(audits, *it.audit)
			}
		}
		_, err := h.Store().Batch(ctx, groupWrites(roundID, ver, box, group), nil, audits...)
		c.mu.Lock()
		if err == nil {
			c.remember(key, box, ver+1, group)
		} else {
			delete(c.boxes, key)
		}
		c.mu.Unlock()
		if err == nil {
			for _, it := range group {
				finish(it, nil)
			}
			return
		}
		p, isP := scene.AsProblem(err)
		if !isP || p.Code != scene.CodeConflict || attempt >= 20 {
			for _, it := range group {
				finish(it, err)
			}
			return
		}
		if fromCache {
			continue // the box changed since this process last wrote it: read it again first
		}
		// Someone else's group, a close, or a vote by the same deputy through another process
		// committed first: drop the items that can no longer commit and try again.
		var again []*item
		for _, it := range group {
			if err := recheck(ctx, h, it); err != nil {
				finish(it, err)
				continue
			}
			again = append(again, it)
		}
		group = again
	}
}

func recheck(ctx context.Context, h scene.Host, it *item) error {
	if it.voter != "" {
		if _, err := h.Store().Get(ctx, colVoters, it.voter); err == nil {
			return errAlreadyVoted
		}
	}
	if it.recheck != nil {
		return it.recheck(ctx, h)
	}
	return nil
}

// groupWrites orders a group's writes: the box, then voter records by id, then one urn
// document holding the group's sealed ballots in a random order, then the rest by id. Nothing
// in the order follows the order of arrival.
func groupWrites(roundID string, ver int64, box Box, group []*item) []scene.Write {
	var voters, other []scene.Write
	var urn []urnBallot
	for _, it := range group {
		if it.sealed != nil {
			urn = append(urn, toUrn(*it.sealed))
		}
		for _, w := range it.writes {
			if w.Collection == colVoters {
				voters = append(voters, w)
			} else {
				other = append(other, w)
			}
		}
	}
	byID := func(a, b scene.Write) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	}
	slices.SortFunc(voters, byID)
	slices.SortFunc(other, byID)
	mrand.Shuffle(len(urn), func(i, j int) { urn[i], urn[j] = urn[j], urn[i] })
	out := []scene.Write{{Op: "update", Collection: colBoxes, ID: roundID, Version: ver, Data: box}}
	out = append(out, voters...)
	if len(urn) > 0 {
		out = append(out, scene.Write{Op: "create", Collection: colUrn, ID: urnID(), Data: urnDoc{RoundID: roundID, Ballots: urn}})
	}
	return append(out, other...)
}

var (
	errCounted      = scene.Conflict("ballot.counted", scene.T("已经计票，不能再投票或录入。", "The ballot has been counted; nothing more can be entered."))
	errTooManyPaper = scene.Conflict("paper.too_many", scene.T("纸质选票数不能多于登记的纸质投票代表人数。",
		"There cannot be more paper ballots than deputies recorded as voting on paper."))
)

// urnID is a random document id for a sealed ballot.
func urnID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func itoa(i int) string { return strconv.Itoa(i) }

func jsonDecode(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return errors.New("empty payload")
	}
	return json.Unmarshal(raw, v)
}
