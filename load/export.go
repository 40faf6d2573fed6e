package load

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ExportTiming is one download as a manager's browser sees it: when the headers came, when the
// file's first byte came (for an XLSX, once the server has every row in the workbook) and when
// the last one did, all from the moment the request was sent.
type ExportTiming struct {
	Headers   time.Duration
	FirstByte time.Duration
	Last      time.Duration
	Bytes     int64
	// PeakRSS is the server's VmHWM after the download, in bytes; 0 when no server pid was given.
	PeakRSS int64
}

// ExportConfig says which export to download, how often, and as whom.
type ExportConfig struct {
	BaseURL, Username, Password string
	ProgramID                   int
	Format                      string // xlsx or csv
	Runs                        int
	ServerPID                   int // when set, the server's VmHWM is read after each download
}

// RunExport signs in and downloads the same export Runs times, one after another.
func RunExport(ctx context.Context, cfg ExportConfig) ([]ExportTiming, error) {
	if cfg.Runs < 1 {
		return nil, fmt.Errorf("runs: at least 1, not %d", cfg.Runs)
	}
	if cfg.Format != "xlsx" && cfg.Format != "csv" {
		return nil, fmt.Errorf("format: xlsx or csv, not %q", cfg.Format)
	}
	tr := NewTransport(2)
	defer tr.CloseIdleConnections()
	u, err := SignIn(ctx, tr, cfg.BaseURL, cfg.Username, cfg.Password)
	if err != nil {
		return nil, err
	}
	path := fmt.Sprintf("/dashboard/export?program=%d&format=%s", cfg.ProgramID, cfg.Format)
	out := make([]ExportTiming, 0, cfg.Runs)
	for range cfg.Runs {
		t, err := u.download(ctx, path)
		if err != nil {
			return out, err
		}
		if cfg.ServerPID != 0 {
			if t.PeakRSS, err = peakRSS(cfg.ServerPID); err != nil {
				return out, err
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// download times one GET, reading the body as it arrives.
func (l *Learner) download(ctx context.Context, path string) (ExportTiming, error) {
	var t ExportTiming
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, l.base+path, nil)
	t0 := time.Now()
	resp, err := l.http.Do(req)
	if err != nil {
		return t, err
	}
	defer resp.Body.Close()
	t.Headers = time.Since(t0)
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return t, fmt.Errorf("GET %s: HTTP %d %s", path, resp.StatusCode, b)
	}
	buf := make([]byte, 64<<10)
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 && t.Bytes == 0 {
			t.FirstByte = time.Since(t0)
		}
		t.Bytes += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return t, fmt.Errorf("GET %s after %d bytes: %w", path, t.Bytes, err)
		}
	}
	t.Last = time.Since(t0)
	return t, nil
}

// peakRSS reads a process's VmHWM from /proc (Linux).
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("reading the server's peak memory: %w", err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("reading the server's peak memory from %q: %w", line, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

// LargestProgram is the active program with the most people in scope: the export the issue's
// figure of 100,000 rows speaks of.
func LargestProgram(ctx context.Context, db *sql.DB) (id, people int, err error) {
	err = db.QueryRowContext(ctx, `SELECT e.program_id, COUNT(*) FROM enrollments e
JOIN programs p ON p.id = e.program_id AND p.status = 'active'
WHERE e.left_scope_at IS NULL GROUP BY e.program_id ORDER BY COUNT(*) DESC, e.program_id LIMIT 1`).Scan(&id, &people)
	if err != nil {
		return 0, 0, fmt.Errorf("choosing the largest program: %w", err)
	}
	return id, people, nil
}

// PrintExport prints each download and the medians.
func PrintExport(w io.Writer, ts []ExportTiming) {
	fmt.Fprintf(w, "%-4s %10s %14s %10s %10s %12s\n", "run", "headers", "first byte", "last", "MB", "server VmHWM")
	for i, t := range ts {
		fmt.Fprintf(w, "%-4d %8.1fms %12.1fms %8.1fms %10.2f %10.1fMB\n", i+1, ms(t.Headers), ms(t.FirstByte), ms(t.Last),
			float64(t.Bytes)/1e6, float64(t.PeakRSS)/(1<<20))
	}
	if len(ts) == 0 {
		return
	}
	med := func(get func(ExportTiming) time.Duration) float64 {
		ds := make([]time.Duration, len(ts))
		for i, t := range ts {
			ds[i] = get(t)
		}
		slices.Sort(ds)
		return ms(pct(ds, 50))
	}
	fmt.Fprintf(w, "median: headers %.1f ms, first byte %.1f ms, last byte %.1f ms\n",
		med(func(t ExportTiming) time.Duration { return t.Headers }),
		med(func(t ExportTiming) time.Duration { return t.FirstByte }),
		med(func(t ExportTiming) time.Duration { return t.Last }))
}
