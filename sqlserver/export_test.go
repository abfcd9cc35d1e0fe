package sqlserver

// SetPageRows sets how many change rows of a table a stream reads at
// once, so that a test can make windows span many pages; the returned
// function restores it.
func SetPageRows(n int) (restore func()) {
	old := pageRows
	pageRows = n
	return func() { pageRows = old }
}
