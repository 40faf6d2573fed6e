package certificates

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// sfnt tags that tell the outline format of a font file (the first four bytes).
const (
	tagTrueType = 0x00010000
	tagTrue     = 0x74727565 // "true": old Apple TrueType
	tagOTTO     = 0x4F54544F // "OTTO": CFF outlines, which gofpdf cannot embed
	tagTTC      = 0x74746366 // "ttcf": a collection of faces
)

// errCFF says a font has PostScript (CFF) outlines: gofpdf reads only glyf outlines.
var errCFF = errors.New("the font has CFF (PostScript) outlines; gofpdf embeds only TrueType (glyf) fonts")

// tableRecord is one entry of an sfnt table directory. Offsets are from the start of the file, also
// inside a collection, which is what lets a face be copied out on its own.
type tableRecord struct {
	tag, checksum, offset, length uint32
}

// readDirectory reads the table directory of the face whose offset table starts at off.
func readDirectory(b []byte, off uint32) (version uint32, tables []tableRecord, err error) {
	if uint64(off)+12 > uint64(len(b)) {
		return 0, nil, errors.New("font file truncated before its table directory")
	}
	version = binary.BigEndian.Uint32(b[off:])
	n := int(binary.BigEndian.Uint16(b[off+4:]))
	if uint64(off)+12+uint64(n)*16 > uint64(len(b)) {
		return 0, nil, errors.New("font file truncated inside its table directory")
	}
	for i := range n {
		p := off + 12 + uint32(i)*16
		t := tableRecord{
			tag:      binary.BigEndian.Uint32(b[p:]),
			checksum: binary.BigEndian.Uint32(b[p+4:]),
			offset:   binary.BigEndian.Uint32(b[p+8:]),
			length:   binary.BigEndian.Uint32(b[p+12:]),
		}
		if uint64(t.offset)+uint64(t.length) > uint64(len(b)) {
			return 0, nil, fmt.Errorf("font table %q lies beyond the end of the file", tagString(t.tag))
		}
		tables = append(tables, t)
	}
	return version, tables, nil
}

// extractFace copies face number index of a TrueType collection (.ttc) into a standalone TrueType
// file: a new table directory whose offsets point into the new file, then each table, 4-byte aligned
// as the spec requires. Table checksums stay valid because table contents are unchanged.
func extractFace(ttc []byte, index int) ([]byte, error) {
	if len(ttc) < 12 || binary.BigEndian.Uint32(ttc) != tagTTC {
		return nil, errors.New("not a TrueType collection")
	}
	count := int(binary.BigEndian.Uint32(ttc[8:]))
	if index < 0 || index >= count || 12+4*count > len(ttc) {
		return nil, fmt.Errorf("the collection has %d faces, no face %d", count, index)
	}
	version, tables, err := readDirectory(ttc, binary.BigEndian.Uint32(ttc[12+4*index:]))
	if err != nil {
		return nil, err
	}
	if version == tagOTTO {
		return nil, errCFF
	}
	n := len(tables)
	// searchRange etc. are derived from the table count (the largest power of two not above it).
	entrySelector := 0
	for 1<<(entrySelector+1) <= n {
		entrySelector++
	}
	searchRange := (1 << entrySelector) * 16
	head := 12 + 16*n
	size := head
	for _, t := range tables {
		size += int(t.length+3) &^ 3
	}
	out := make([]byte, head, size)
	binary.BigEndian.PutUint32(out, version)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(searchRange))
	binary.BigEndian.PutUint16(out[8:], uint16(entrySelector))
	binary.BigEndian.PutUint16(out[10:], uint16(n*16-searchRange))
	for i, t := range tables {
		p := 12 + 16*i
		binary.BigEndian.PutUint32(out[p:], t.tag)
		binary.BigEndian.PutUint32(out[p+4:], t.checksum)
		binary.BigEndian.PutUint32(out[p+8:], uint32(len(out)))
		binary.BigEndian.PutUint32(out[p+12:], t.length)
		out = append(out, ttc[t.offset:t.offset+t.length]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out, nil
}

// findTable returns the bytes of the table with the given tag in a standalone font, or nil.
func findTable(b []byte, tag string) []byte {
	_, tables, err := readDirectory(b, 0)
	if err != nil {
		return nil
	}
	want := binary.BigEndian.Uint32([]byte(tag))
	for _, t := range tables {
		if t.tag == want {
			return b[t.offset : t.offset+t.length]
		}
	}
	return nil
}

func tagString(tag uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], tag)
	return string(b[:])
}
