// Command csvgen writes the large CSV file of bench/csv.sh: records of about
// 100 bytes (an integer key, a text MRN with leading zeros, a quoted name
// with doubled quotes, a note over two lines in every 50th record, a
// decimal, a date, a timestamp) until the file holds -mb megabytes. It
// prints the number of records.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"
)

func main() {
	mb := flag.Int64("mb", 1000, "size of the file in MB (10^6 bytes)")
	out := flag.String("o", "visits.csv", "the file to write")
	flag.Parse()
	n, err := write(*out, *mb*1_000_000)
	if err != nil {
		fmt.Fprintln(os.Stderr, "csvgen:", err)
		os.Exit(1)
	}
	fmt.Println(n)
}

func write(path string, size int64) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	written, _ := w.WriteString("VisitId,MRN,Name,Notes,Amount,Born,Admitted\n")
	total := int64(written)
	var n int64
	line := make([]byte, 0, 256)
	for n = 1; total < size; n++ {
		line = record(line[:0], n)
		w.Write(line)
		total += int64(len(line))
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	return n - 1, f.Close()
}

func record(b []byte, n int64) []byte {
	b = strconv.AppendInt(b, n, 10)
	b = append(b, ',')
	b = pad(b, n%100000000, 8)
	b = append(b, `,"Patient `...)
	b = strconv.AppendInt(b, n, 10)
	b = append(b, `, ""Pat""",`...)
	if n%50 == 0 {
		b = append(b, "\"first line\nsecond line\""...)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, n%100000, 10)
	b = append(b, '.')
	b = pad(b, n%100, 2)
	b = append(b, ",19"...)
	b = pad(b, 30+n%70, 2)
	b = append(b, '-')
	b = pad(b, 1+n%12, 2)
	b = append(b, '-')
	b = pad(b, 1+n%28, 2)
	b = append(b, ",2024-"...)
	b = pad(b, 1+n%12, 2)
	b = append(b, '-')
	b = pad(b, 1+n%28, 2)
	b = append(b, ' ')
	b = pad(b, n%24, 2)
	b = append(b, ':')
	b = pad(b, n%60, 2)
	b = append(b, ':')
	b = pad(b, n%60, 2)
	return append(b, '\n')
}

// pad appends v with leading zeros to width digits.
func pad(b []byte, v int64, width int) []byte {
	s := strconv.FormatInt(v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}
