// Package csvsafe keeps spreadsheets from running what people typed: a CSV
// cell that starts with = + - @ tab or CR is read by Excel and its kin as a
// formula (CSV injection, CWE-1236), so every CSV joinedup writes puts a '
// in front of one, which spreadsheets hide, and an import takes it off again.
package csvsafe

import "strings"

const starts = "=+-@\t\r"

// Cell is cell as it is safe to write.
func Cell(cell string) string {
	if cell != "" && strings.ContainsRune(starts, rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// Undo takes off the ' Cell put on, when reading back what we wrote.
func Undo(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.ContainsRune(starts, rune(cell[1])) {
		return cell[1:]
	}
	return cell
}
