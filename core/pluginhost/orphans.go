package pluginhost

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Each running scene process has a pid file in RunDir. A host that dies
// without stopping its scenes (the parent-death signal kills them on
// Linux; this covers the rest) leaves pid files behind: at the next start,
// any of those processes still alive and orphaned (its parent is init) is
// killed with its process group.

func (s *Supervisor) writePID(pid int) {
	if s.cfg.RunDir == "" || pid == 0 {
		return
	}
	if err := os.MkdirAll(s.cfg.RunDir, 0o750); err != nil {
		s.log.Warn("scene pid file", "err", err)
		return
	}
	if err := os.WriteFile(filepath.Join(s.cfg.RunDir, strconv.Itoa(pid)+".pid"), nil, 0o640); err != nil {
		s.log.Warn("scene pid file", "err", err)
	}
}

func (s *Supervisor) removePID(pid int) {
	if s.cfg.RunDir == "" || pid == 0 {
		return
	}
	_ = os.Remove(filepath.Join(s.cfg.RunDir, strconv.Itoa(pid)+".pid"))
}

// reapOrphans kills the scene processes a previous host left behind.
func reapOrphans(dir string, log *slog.Logger) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.pid"))
	for _, f := range files {
		pid, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(f), ".pid"))
		_ = os.Remove(f)
		if err != nil || pid <= 1 {
			continue
		}
		if ppid, ok := parentOf(pid); !ok || ppid != 1 {
			continue // gone, or someone else's child now
		}
		if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		log.Warn("killed an orphaned scene process", "pid", pid)
	}
}

// parentOf reads a process's parent pid from /proc.
func parentOf(pid int) (int, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name is in parentheses and may hold spaces; the fields
	// after the closing one are: state, ppid, ...
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(s[i+1:])
	if len(fields) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(fields[1])
	return ppid, err == nil
}
