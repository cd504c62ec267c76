// Command plenum-go-check checks a Plenum discussion log with Go's reference transparency-log code
// (golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog) and nothing of Plenum's: it exists to prove that the
// published record — C2SP signed-note checkpoints, tlog-tiles hash tiles and entry bundles — is what independent
// implementations expect, not just what our own verifier accepts. test/interop/go-sumdb.test.ts runs it.
//
//	plenum-go-check <log base URL> <verifier key> [older checkpoint file]
//
// It verifies the checkpoint's signature, recomputes the tree hash from the hash tiles, proves every entry of the
// entry bundles into the signed root, and, given an older checkpoint of the same log, proves the two consistent.
//
// Paths: Go names tiles tile/<H>/<L>/<N>[.p/<W>] with the height (8) in the path and record data at L = -1
// (tile/8/data/…, newline-separated records); C2SP tlog-tiles drops the height (tile/<L>/<N>[.p/<W>]) and serves
// entry bundles at tile/entries/<N>[.p/<W>], each entry prefixed by its big-endian uint16 length.
package main

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

func main() {
	if len(os.Args) != 3 && len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: plenum-go-check <log base URL> <verifier key> [older checkpoint file]")
		os.Exit(2)
	}
	if err := run(strings.TrimRight(os.Args[1], "/"), os.Args[2], os.Args[3:]); err != nil {
		fmt.Fprintln(os.Stderr, "go-sumdb: FAILED:", err)
		os.Exit(1)
	}
}

func run(base, vkey string, older []string) error {
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return fmt.Errorf("verifier key: %v", err)
	}
	raw, err := get(base + "/checkpoint")
	if err != nil {
		return err
	}
	tree, err := openCheckpoint(raw, verifier)
	if err != nil {
		return err
	}

	tiles := &httpTiles{base: base, cache: map[tlog.Tile][]byte{}}
	hashes := tlog.TileHashReader(tree, tiles)
	root, err := tlog.TreeHash(tree.N, hashes)
	if err != nil {
		return fmt.Errorf("tree hash from tiles: %v", err)
	}
	if root != tree.Hash {
		return fmt.Errorf("tree hash from tiles %v differs from the checkpoint's root %v", root, tree.Hash)
	}

	proved := int64(0)
	for start := int64(0); start < tree.N; start += 1 << height {
		width := tree.N - start
		if width > 1<<height {
			width = 1 << height
		}
		entries, err := readBundle(tiles, start>>height, int(width))
		if err != nil {
			return err
		}
		for k, entry := range entries {
			i := start + int64(k)
			proof, err := tlog.ProveRecord(tree.N, i, hashes)
			if err != nil {
				return fmt.Errorf("inclusion proof of entry %d: %v", i, err)
			}
			if err := tlog.CheckRecord(proof, tree.N, tree.Hash, i, tlog.RecordHash(entry)); err != nil {
				return fmt.Errorf("entry %d is not in the signed tree: %v", i, err)
			}
			proved++
		}
	}
	summary := fmt.Sprintf("go-sumdb: checkpoint verified by %s; size %d; root matches; %d records proved", verifier.Name(), tree.N, proved)

	if len(older) == 1 {
		text, err := os.ReadFile(older[0])
		if err != nil {
			return err
		}
		old, err := openCheckpoint(text, verifier)
		if err != nil {
			return fmt.Errorf("older checkpoint: %v", err)
		}
		if old.N > tree.N {
			return fmt.Errorf("older checkpoint (size %d) is larger than the latest (size %d)", old.N, tree.N)
		}
		proof, err := tlog.ProveTree(tree.N, old.N, hashes)
		if err != nil {
			return fmt.Errorf("consistency proof %d → %d: %v", old.N, tree.N, err)
		}
		if err := tlog.CheckTree(proof, tree.N, tree.Hash, old.N, old.Hash); err != nil {
			return fmt.Errorf("checkpoint of size %d is not a prefix of size %d: %v", old.N, tree.N, err)
		}
		summary += fmt.Sprintf("; consistent with checkpoint of size %d", old.N)
	}
	fmt.Println(summary)
	return nil
}

// openCheckpoint verifies a C2SP checkpoint note and reads its body: origin, decimal size, base64 root. (tlog.ParseTree
// wants the older "go.sum database tree" header, so the lines are read here.)
func openCheckpoint(msg []byte, verifier note.Verifier) (tlog.Tree, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return tlog.Tree{}, fmt.Errorf("checkpoint signature not verified by %s: %v", verifier.Name(), err)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return tlog.Tree{}, fmt.Errorf("checkpoint body has %d lines, want origin, size and root", len(lines))
	}
	if lines[0] != verifier.Name() {
		return tlog.Tree{}, fmt.Errorf("checkpoint origin %q is not the key's name %q", lines[0], verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return tlog.Tree{}, fmt.Errorf("checkpoint size %q is not a decimal", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return tlog.Tree{}, fmt.Errorf("checkpoint root %q is not a base64 SHA-256 hash", lines[2])
	}
	var h tlog.Hash
	copy(h[:], root)
	return tlog.Tree{N: size, Hash: h}, nil
}

// httpTiles is a tlog.TileReader over a C2SP tlog-tiles server. Tiles are immutable, so each is fetched once; the
// hash reader still checks every tile it is given against the tree on every read.
type httpTiles struct {
	base  string
	cache map[tlog.Tile][]byte
}

// c2spPath maps Go's tile path to C2SP's: tile/8/<L>/… → tile/<L>/…, tile/8/data/… → tile/entries/….
func c2spPath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", height))
	if strings.HasPrefix(p, "data/") {
		return "tile/entries/" + strings.TrimPrefix(p, "data/")
	}
	return "tile/" + p
}

func (r *httpTiles) Height() int { return height }

func (r *httpTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(tiles))
	for i, t := range tiles {
		if b, ok := r.cache[t]; ok {
			data[i] = b
			continue
		}
		b, err := get(r.base + "/" + c2spPath(t))
		if err != nil {
			return nil, err
		}
		if len(b) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("%s has %d bytes, want %d", c2spPath(t), len(b), t.W*tlog.HashSize)
		}
		r.cache[t] = b
		data[i] = b
	}
	return data, nil
}

func (r *httpTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// readBundle reads entry bundle n of the given width: each entry is a big-endian uint16 length, then its bytes.
func readBundle(r *httpTiles, n int64, width int) ([][]byte, error) {
	path := c2spPath(tlog.Tile{H: height, L: -1, N: n, W: width})
	b, err := get(r.base + "/" + path)
	if err != nil {
		return nil, err
	}
	var entries [][]byte
	for len(b) > 0 {
		if len(b) < 2 || len(b) < 2+int(binary.BigEndian.Uint16(b)) {
			return nil, fmt.Errorf("%s: truncated at entry %d", path, len(entries))
		}
		size := 2 + int(binary.BigEndian.Uint16(b))
		entries = append(entries, b[2:size])
		b = b[size:]
	}
	if len(entries) != width {
		return nil, fmt.Errorf("%s holds %d entries, want %d", path, len(entries), width)
	}
	return entries, nil
}

func get(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	return body, nil
}
