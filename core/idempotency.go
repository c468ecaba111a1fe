package core

import (
	"context"
	"time"
)

// StoredResponse is the first answer to an idempotent request, replayed to
// every retry that carries the same key.
type StoredResponse struct {
	CreatedAt   time.Time // when the key was claimed
	Fingerprint string
	Status      int
	ContentType string
	Body        []byte
}

// IdempotencyStore remembers answers to POSTs by (principal, key). Both
// calls run in the request's transaction, so the remembered answer commits
// together with the writes it describes, or not at all.
type IdempotencyStore interface {
	// ClaimIdempotencyKey reserves key for the principal in the scope's
	// tenant. It returns nil if the caller now owns the key, or the stored
	// response of the request that owns it (waiting for that request's
	// transaction to finish first).
	ClaimIdempotencyKey(ctx context.Context, userID, key, fingerprint string) (*StoredResponse, error)
	// SaveIdempotentResponse stores the answer for a claimed key.
	SaveIdempotentResponse(ctx context.Context, userID, key string, r StoredResponse) error
	// ReleaseIdempotencyKey forgets a claim whose request failed, so that a
	// retry runs again.
	ReleaseIdempotencyKey(ctx context.Context, userID, key string) error
	// PurgeIdempotencyKeys forgets, in every tenant, the answers older than
	// age (clients retry within minutes, not days), returning how many.
	PurgeIdempotencyKeys(ctx context.Context, age time.Duration) (int64, error)
}

// Transactor runs work in one database transaction under the context's
// tenant scope. Store calls made with the context passed to fn join that
// transaction.
type Transactor interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}
