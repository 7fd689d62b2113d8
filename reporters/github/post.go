package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/runbook-translator/runbook-translator/reporters/comment"
)

// reviewRequest is the body of POST /repos/{owner}/{repo}/pulls/{n}/reviews.
type reviewRequest struct {
	CommitID string        `json:"commit_id"`
	Event    string        `json:"event"`
	Comments []reviewDraft `json:"comments"`
}

// reviewDraft is one comment of a review: single-line, on the new side.
type reviewDraft struct {
	Path string `json:"path"`
	Line int    `json:"line"`
	Side string `json:"side"`
	Body string `json:"body"`
}

// commentRequest is the body of POST /repos/{owner}/{repo}/pulls/{n}/comments.
type commentRequest struct {
	Body     string `json:"body"`
	CommitID string `json:"commit_id"`
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Side     string `json:"side"`
}

func draftOf(w *wanted) reviewDraft {
	return reviewDraft{Path: w.f.Path, Line: w.line, Side: "RIGHT", Body: w.body}
}

// poster posts new inline comments and keeps what happened to each.
type poster struct {
	r         *Reviewer
	rejected  map[string]string
	notInline *[]comment.Entry
	failed    []comment.Entry
	posted    int
}

// postAll posts the new comments in reviews of at most
// MaxCommentsPerReview. It returns how many were posted; findings that
// GitHub refused go to notInline (and rejected, for re-runs), findings
// that could not be posted are returned in a *NotPostedError.
func (r *Reviewer) postAll(ctx context.Context, fresh []*wanted, rejected map[string]string, notInline *[]comment.Entry) (int, []comment.Entry, error) {
	p := &poster{r: r, rejected: rejected, notInline: notInline}
	n := r.opts.MaxCommentsPerReview
	var stop error
	for i := 0; i < len(fresh); i += n {
		batch := fresh[i:min(i+n, len(fresh))]
		if stop != nil {
			p.fail(batch, "not attempted after an earlier failure")
			continue
		}
		if err := p.batch(ctx, batch, 0); err != nil {
			if errors.Is(err, ErrNoWriteAccess) {
				return p.posted, p.failed, err
			}
			stop = err
		}
	}
	if len(p.failed) > 0 {
		return p.posted, p.failed, &NotPostedError{Entries: p.failed, Err: stop}
	}
	return p.posted, nil, nil
}

func (p *poster) fail(ws []*wanted, reason string) {
	for _, w := range ws {
		p.failed = append(p.failed, comment.Entry{Finding: w.f, Reason: "not posted: " + reason})
	}
}

func (p *poster) reject(w *wanted, msg string) {
	p.rejected[w.f.Fingerprint] = msg
	*p.notInline = append(*p.notInline, comment.Entry{Finding: w.f, Reason: "rejected by GitHub: " + msg})
}

// batch posts one review. On 422 (GitHub rejects the whole review when
// one line is not part of the diff) it posts the comments one by one; on
// an ambiguous failure it re-lists the comments, drops those that made it,
// and posts the rest in halves (a 502 is often a review too large to finish
// in time).
func (p *poster) batch(ctx context.Context, ws []*wanted, depth int) error {
	r := p.r
	req := reviewRequest{CommitID: r.head, Event: "COMMENT"}
	for _, w := range ws {
		req.Comments = append(req.Comments, draftOf(w))
	}
	r.logf("post review with %d comments", len(ws))
	_, err := r.api.do(ctx, http.MethodPost, r.path("pulls/%d/reviews", r.number), req, nil, false)
	var amb *ambiguousError
	var ae *APIError
	switch {
	case err == nil:
		p.posted += len(ws)
		return nil
	case errors.Is(err, ErrNoWriteAccess):
		return err
	case errors.As(err, &amb):
		rest, lerr := p.missing(ctx, ws, depth)
		if lerr != nil {
			p.fail(rest, lerr.Error())
			return lerr
		}
		if len(rest) == 0 {
			return nil
		}
		if depth >= r.opts.MaxRetries {
			p.fail(rest, err.Error())
			return err
		}
		if len(rest) == 1 {
			return p.batch(ctx, rest, depth+1)
		}
		half := len(rest) / 2
		if err := p.batch(ctx, rest[:half], depth+1); err != nil {
			p.fail(rest[half:], "not attempted after an earlier failure")
			return err
		}
		return p.batch(ctx, rest[half:], depth+1)
	case errors.As(err, &ae) && ae.Status == http.StatusUnprocessableEntity:
		r.logf("review rejected (%s); posting its %d comments one by one", ae.Message, len(ws))
		for i, w := range ws {
			if err := p.one(ctx, w); err != nil {
				if !errors.Is(err, ErrNoWriteAccess) {
					p.fail(ws[i+1:], "not attempted after an earlier failure")
				}
				return err
			}
		}
		return nil
	default:
		p.fail(ws, err.Error())
		return err
	}
}

// one posts a single comment, after its review was rejected.
func (p *poster) one(ctx context.Context, w *wanted) error {
	r := p.r
	req := commentRequest{Body: w.body, CommitID: r.head, Path: w.f.Path, Line: w.line, Side: "RIGHT"}
	for depth := 0; ; depth++ {
		_, err := r.api.do(ctx, http.MethodPost, r.path("pulls/%d/comments", r.number), req, nil, false)
		var amb *ambiguousError
		var ae *APIError
		switch {
		case err == nil:
			p.posted++
			return nil
		case errors.Is(err, ErrNoWriteAccess):
			return err
		case errors.As(err, &ae) && ae.Status == http.StatusUnprocessableEntity:
			p.reject(w, ae.Message)
			return nil
		case errors.As(err, &amb):
			rest, lerr := p.missing(ctx, []*wanted{w}, depth)
			if lerr != nil {
				p.fail(rest, lerr.Error())
				return lerr
			}
			if len(rest) == 0 {
				return nil
			}
			if depth >= r.opts.MaxRetries {
				p.fail(rest, err.Error())
				return err
			}
		default:
			p.fail([]*wanted{w}, err.Error())
			return err
		}
	}
}

// missing waits, re-lists the review comments and returns those of ws that
// are not on the pull request, so that a retry never duplicates one. Those
// found count as posted.
func (p *poster) missing(ctx context.Context, ws []*wanted, depth int) ([]*wanted, error) {
	r := p.r
	if err := r.opts.Clock.Sleep(ctx, min(backoff(depth), r.opts.MaxWait)); err != nil {
		return ws, err
	}
	ours, _, _, err := r.existingComments(ctx)
	if err != nil {
		return ws, fmt.Errorf("check what was posted: %w", err)
	}
	var rest []*wanted
	for _, w := range ws {
		if _, ok := ours[w.f.Fingerprint]; ok {
			p.posted++
			continue
		}
		rest = append(rest, w)
	}
	return rest, nil
}

const threadsQuery = `query($owner: String!, $repo: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { fullDatabaseId } } }
      }
    }
  }
}`

const resolveMutation = `mutation($threadId: ID!) {
  resolveReviewThread(input: {threadId: $threadId}) { thread { id isResolved } }
}`

type thread struct {
	id       string
	resolved bool
}

// threads maps the database id of each thread's first comment to the
// thread (GraphQL only: REST has no review threads).
func (r *Reviewer) threads(ctx context.Context) (map[int64]thread, error) {
	out := map[int64]thread{}
	var after any
	for {
		var data struct {
			Repository *struct {
				PullRequest *struct {
					ReviewThreads struct {
						PageInfo struct {
							HasNextPage bool   `json:"hasNextPage"`
							EndCursor   string `json:"endCursor"`
						} `json:"pageInfo"`
						Nodes []struct {
							ID         string `json:"id"`
							IsResolved bool   `json:"isResolved"`
							Comments   struct {
								Nodes []struct {
									// fullDatabaseId is a BigInt sent as a string;
									// databaseId is an Int (32 bits) and review comment
									// ids are past 2^31, so GitHub answers null with an
									// error for it (docs.github.com/en/graphql/overview/breaking-changes).
									FullDatabaseID string `json:"fullDatabaseId"`
								} `json:"nodes"`
							} `json:"comments"`
						} `json:"nodes"`
					} `json:"reviewThreads"`
				} `json:"pullRequest"`
			} `json:"repository"`
		}
		err := r.api.graphql(ctx, threadsQuery, map[string]any{"owner": r.owner, "repo": r.repo, "number": r.number, "after": after}, &data)
		if err != nil {
			return nil, fmt.Errorf("list review threads: %w", err)
		}
		if data.Repository == nil || data.Repository.PullRequest == nil {
			return nil, fmt.Errorf("list review threads: pull request %d not found", r.number)
		}
		rt := data.Repository.PullRequest.ReviewThreads
		for _, n := range rt.Nodes {
			if len(n.Comments.Nodes) > 0 {
				id, err := strconv.ParseInt(n.Comments.Nodes[0].FullDatabaseID, 10, 64)
				if err != nil {
					return nil, fmt.Errorf("list review threads: comment id %q: %w", n.Comments.Nodes[0].FullDatabaseID, err)
				}
				out[id] = thread{id: n.ID, resolved: n.IsResolved}
			}
		}
		if !rt.PageInfo.HasNextPage || rt.PageInfo.EndCursor == "" {
			return out, nil
		}
		after = rt.PageInfo.EndCursor
	}
}

// resolve resolves the threads of findings that went away and edits their
// comments to say so. The thread is resolved first: if the edit then fails,
// the next run still sees an unfixed marker and finishes the job.
func (r *Reviewer) resolve(ctx context.Context, gone []*existing) error {
	if len(gone) == 0 {
		return nil
	}
	ts, err := r.threads(ctx)
	if err != nil {
		return err
	}
	for _, ex := range gone {
		if th, ok := ts[ex.id]; ok && !th.resolved {
			r.logf("resolve thread of comment %d", ex.id)
			if err := r.api.graphql(ctx, resolveMutation, map[string]any{"threadId": th.id}, nil); err != nil {
				return fmt.Errorf("resolve review thread: %w", err)
			}
		}
		short := r.head
		if len(short) > 12 {
			short = short[:12]
		}
		body, _ := comment.Fixed(ex.marker, comment.Title(ex.body), "No longer reported as of "+short+".")
		if err := r.editComment(ctx, ex.id, body); err != nil {
			return err
		}
	}
	return nil
}
