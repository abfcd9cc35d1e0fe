package cast

import (
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

var berlin = time.FixedZone("CET", 3600)

var dateCases = []castCase{
	{from: kDate, to: "date", in: utc(2024, 1, 2, 0, 0, 0, 0), want: utc(2024, 1, 2, 0, 0, 0, 0)},
	{from: kDate, to: "date", in: time.Date(2024, 1, 2, 1, 0, 0, 0, berlin), want: utc(2024, 1, 2, 0, 0, 0, 0)},
	{from: kDate, to: "date", in: utc(2024, 1, 2, 10, 0, 0, 0), reason: "2024-01-02 10:00:00 has a time of day, date holds none"},
	{from: kDate, to: "date", in: utc(300000, 1, 1, 0, 0, 0, 0), want: utc(300000, 1, 1, 0, 0, 0, 0)},
	{from: kDate, to: "date", in: utc(6000000, 1, 1, 0, 0, 0, 0), reason: "year 6000000 is out of range for date"},
	{from: kDate, to: "date", in: utc(-5000, 1, 1, 0, 0, 0, 0), reason: "year -5000 is out of range for date"},
	{from: kDate, to: "date", in: "2024-01-02", want: utc(2024, 1, 2, 0, 0, 0, 0)},
	{from: kDate, to: "date", in: []byte("2024-02-29"), want: utc(2024, 2, 29, 0, 0, 0, 0)},
	{from: kDate, to: "date", in: "2024-01-02 00:00:00", want: utc(2024, 1, 2, 0, 0, 0, 0)},
	{from: kDate, to: "date", in: "2024-01-02 10:00:00", reason: `"2024-01-02 10:00:00" has a time of day, date holds none`},
	{from: kDate, to: "date", in: "2024-01-02 00:00:00Z", reason: `"2024-01-02 00:00:00Z" has a UTC offset, date holds none`},
	{from: kDate, to: "date", in: "0000-00-00", reason: "zero date 0000-00-00"},
	{from: kDate, to: "date", in: "0000-00-00", opts: nullDates, want: nil},
	{from: kDate, to: "date", in: "2024-00-10", reason: "zero date 2024-00-10"},
	{from: kDate, to: "date", in: "2024-05-00", opts: nullDates, want: nil},
	{from: kDate, to: "date", in: "2023-02-29", reason: "impossible date 2023-02-29"},
	{from: kDate, to: "date", in: "2023-13-01", opts: nullDates, want: nil},
	{from: kDate, to: "date", in: "0000-01-01", reason: "impossible date 0000-01-01"},
	{from: kDate, to: "date", in: "02/01/2024", reason: `"02/01/2024" is not a date (YYYY-MM-DD)`},
	{from: kDate, to: "date", in: "02/01/2024", opts: nullDates, reason: `"02/01/2024" is not a date (YYYY-MM-DD)`},
	{from: kDate, to: "date", in: "2024-1-2", reason: `"2024-1-2" is not a date (YYYY-MM-DD)`},
	{from: kDate, to: "date", in: "", reason: `"" is not a date (YYYY-MM-DD)`},
	{from: kInt, to: "date", in: int64(1700000000), reason: "cannot cast int64 to date"},
}

var timestampCases = []castCase{
	{from: kTS, to: "timestamp", in: utc(2024, 1, 2, 3, 4, 5, 123456000), want: utc(2024, 1, 2, 3, 4, 5, 123456000)},
	{from: kTS, to: "timestamp", in: utc(2024, 1, 2, 3, 4, 5, 123456700), reason: "2024-01-02 03:04:05.1234567 has 7 fractional digits, timestamp holds 6"},
	{from: kTS, to: "timestamp(0)", in: utc(2024, 1, 2, 3, 4, 5, 500000000), reason: "2024-01-02 03:04:05.5 has 1 fractional digit, timestamp(0) holds 0"},
	{from: kTS, to: "timestamp", in: utc(300000, 1, 1, 0, 0, 0, 0), reason: "year 300000 is out of range for timestamp"},
	{from: kTS, to: "timestamp", in: "2024-01-02 03:04:05", want: utc(2024, 1, 2, 3, 4, 5, 0)},
	{from: kTS, to: "timestamp", in: "2024-01-02T03:04", want: utc(2024, 1, 2, 3, 4, 0, 0)},
	{from: kTS, to: "timestamp", in: "2024-01-02", want: utc(2024, 1, 2, 0, 0, 0, 0)},
	{from: kTS, to: "timestamp", in: "2024-01-02 03:04:05.123456", want: utc(2024, 1, 2, 3, 4, 5, 123456000)},
	{from: kTS, to: "timestamp", in: "2024-01-02 03:04:05.1234560", want: utc(2024, 1, 2, 3, 4, 5, 123456000)},
	{from: kTS, to: "timestamp", in: "2024-01-02 03:04:05.1234567", reason: `"2024-01-02 03:04:05.1234567" has 7 fractional digits, timestamp holds 6`},
	{from: kTS, to: "timestamp(3)", in: "2024-01-02 03:04:05.1234", reason: `"2024-01-02 03:04:05.1234" has 4 fractional digits, timestamp(3) holds 3`},
	{from: kTS, to: "timestamp", in: "2024-01-02 03:04:05+02:00", reason: `"2024-01-02 03:04:05+02:00" has a UTC offset, timestamp holds none`},
	{from: kTS, to: "timestamp", in: "0000-00-00 00:00:00", reason: "zero date 0000-00-00 00:00:00"},
	{from: kTS, to: "timestamp", in: "0000-00-00 00:00:00", opts: nullDates, want: nil},
	{from: kTS, to: "timestamp", in: "2023-04-31 10:00:00", reason: "impossible date 2023-04-31 10:00:00"},
	{from: kTS, to: "timestamp", in: "2024-01-02 24:00:00", reason: `"2024-01-02 24:00:00" has an invalid time of day`},
	{from: kTS, to: "timestamp", in: "2024-01-02 23:59:60", reason: `"2024-01-02 23:59:60" has an invalid time of day`},
	{from: kTS, to: "timestamp", in: "2024-01-02 3:04:05", reason: `"2024-01-02 3:04:05" is not a timestamp (YYYY-MM-DD HH:MM:SS)`},
	{from: kTS, to: "timestamp", in: "2024-01-02 03:04:05.", reason: `"2024-01-02 03:04:05." is not a timestamp (YYYY-MM-DD HH:MM:SS)`},
	{from: kTSTZ, to: "timestamptz", in: time.Date(2024, 1, 2, 3, 4, 5, 0, berlin), want: utc(2024, 1, 2, 2, 4, 5, 0)},
	{from: kTSTZ, to: "timestamptz", in: "2024-01-02 03:04:05+02:00", want: utc(2024, 1, 2, 1, 4, 5, 0)},
	{from: kTSTZ, to: "timestamptz", in: "2024-01-02T03:04:05Z", want: utc(2024, 1, 2, 3, 4, 5, 0)},
	{from: kTSTZ, to: "timestamptz", in: "2024-01-02 03:04:05-0530", want: utc(2024, 1, 2, 8, 34, 5, 0)},
	{from: kTSTZ, to: "timestamptz", in: "2024-01-02 03:04:05.5+01", want: utc(2024, 1, 2, 2, 4, 5, 500000000)},
	{from: kTSTZ, to: "timestamptz", in: "2024-01-02 03:04:05", want: utc(2024, 1, 2, 3, 4, 5, 0)},
	{from: kTSTZ, to: "timestamptz", in: "2024-01-02 03:04:05+2", reason: `"2024-01-02 03:04:05+2" is not a timestamp (YYYY-MM-DD HH:MM:SS)`},
	{from: kTSTZ, to: "timestamptz", in: "2024-01-02 03:04:05+16:00", reason: `"2024-01-02 03:04:05+16:00" is not a timestamp (YYYY-MM-DD HH:MM:SS)`},
	{from: kTSTZ, to: "timestamp(3) with time zone", in: "2024-01-02 03:04:05.1234Z", reason: `"2024-01-02 03:04:05.1234Z" has 4 fractional digits, timestamp(3) with time zone holds 3`},
	{from: kFloat, to: "timestamptz", in: 1.5, reason: "cannot cast float64 to timestamptz"},
}

var clockCases = []castCase{
	{from: kTime, to: "time", in: "10:11:12", want: pgtype.Time{Microseconds: 36672000000, Valid: true}},
	{from: kTime, to: "time", in: "23:59:59.999999", want: pgtype.Time{Microseconds: 86399999999, Valid: true}},
	{from: kTime, to: "time", in: "-00:00:00", want: pgtype.Time{Microseconds: 0, Valid: true}},
	{from: kTime, to: "time", in: "24:00:00", reason: "24:00:00 is outside 00:00:00..23:59:59.999999"},
	{from: kTime, to: "time", in: "-01:00:00", reason: "-01:00:00 is outside 00:00:00..23:59:59.999999"},
	{from: kTime, to: "time", in: "838:59:59", reason: "838:59:59 is outside 00:00:00..23:59:59.999999"},
	{from: kTime, to: "time", in: "10:61:00", reason: `"10:61:00" is not a time of day (HH:MM:SS)`},
	{from: kTime, to: "time", in: "noon", reason: `"noon" is not a time of day (HH:MM:SS)`},
	{from: kTime, to: "time(0)", in: "10:00:00.5", reason: "10:00:00.5 has 1 fractional digit, time(0) holds 0"},
	{from: kTime, to: "time", in: "10:00:00.1234567", reason: "10:00:00.1234567 has 7 fractional digits, time holds 6"},
	{from: kOther, to: "time", in: pgtype.Time{Microseconds: 5, Valid: true}, want: pgtype.Time{Microseconds: 5, Valid: true}},
	{from: kOther, to: "time", in: pgtype.Time{Microseconds: 86400000000, Valid: true}, reason: "86400000000 microseconds is outside 00:00:00..23:59:59.999999"},
	{from: kTime, to: "interval", in: "838:59:59", want: pgtype.Interval{Microseconds: 3020399000000, Valid: true}},
	{from: kTime, to: "interval", in: "-01:30:00", want: pgtype.Interval{Microseconds: -5400000000, Valid: true}},
	{from: kTime, to: "interval", in: "00:00:01.5", want: pgtype.Interval{Microseconds: 1500000, Valid: true}},
	{from: kTime, to: "interval", in: "00:00:00.1234567", reason: "00:00:00.1234567 has 7 fractional digits, interval holds 6"},
	{from: kOther, to: "interval", in: "1 year 2 mons 3 days 04:05:06", want: pgtype.Interval{Months: 14, Days: 3, Microseconds: 14706000000, Valid: true}},
	{from: kOther, to: "interval", in: "-1 days +02:00:00.5", want: pgtype.Interval{Days: -1, Microseconds: 7200500000, Valid: true}},
	{from: kOther, to: "interval", in: "1 day 00:00:00.00000001", reason: `"1 day 00:00:00.00000001" has 8 fractional digits, interval holds 6`},
	{from: kOther, to: "interval", in: "soon", reason: `"soon" is not an interval`},
	{from: kOther, to: "interval", in: 1500 * time.Millisecond, want: pgtype.Interval{Microseconds: 1500000, Valid: true}},
	{from: kOther, to: "interval", in: time.Duration(1), reason: "1ns has nanoseconds, interval holds microseconds"},
	{from: kInt, to: "interval", in: int64(5), reason: "cannot cast int64 to interval"},
}
