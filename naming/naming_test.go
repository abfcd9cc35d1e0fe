package naming

import (
	"testing"

	"github.com/sluicedb/sluice/config"
)

func TestApply(t *testing.T) {
	cases := []struct {
		in, camel, snake string
	}{
		{"PatientID", "patientId", "patient_id"},
		{"HTMLParser", "htmlParser", "html_parser"},
		{"InvoiceLineId", "invoiceLineId", "invoice_line_id"},
		{"Order Details", "orderDetails", "order_details"},
		{"Address2", "address2", "address2"},
		{"already_snake", "alreadySnake", "already_snake"},
		{"alreadyCamel", "alreadyCamel", "already_camel"},
		{"Größe", "größe", "größe"},
		{"ÄrzteListe", "ärzteListe", "ärzte_liste"},
		{"ID", "id", "id"},
		{"id", "id", "id"},
		{"Id", "id", "id"},
		{"PatientIDs", "patientIds", "patient_ids"},
		{"URLs", "urls", "urls"},
		{"Address2Line", "address2Line", "address2_line"},
		{"ID2Name", "id2Name", "id2_name"},
		{"HTML5Parser", "html5Parser", "html5_parser"},
		{"order-lines", "orderLines", "order_lines"},
		{"  padded  name ", "paddedName", "padded_name"},
		{"__private", "private", "private"},
		{"a.b/c", "aBC", "a_b_c"},
		{"Unit Price ($)", "unitPrice", "unit_price"},
		{"SKU", "sku", "sku"},
		{"getHTTPResponseCode", "getHttpResponseCode", "get_http_response_code"},
		{"iPhone", "iPhone", "i_phone"},
		{"2ndAddress", "2ndAddress", "2nd_address"},
		{"東京Office", "東京Office", "東京_office"},
		{"x", "x", "x"},
		{"DoctorID_FK", "doctorIdFk", "doctor_id_fk"},
		{"Über_Größe", "überGröße", "über_größe"},
		{"___", "___", "___"},
		{"", "", ""},
	}
	for _, c := range cases {
		if got := Apply(config.NamingCamel, c.in); got != c.camel {
			t.Errorf("camel(%q) = %q, want %q", c.in, got, c.camel)
		}
		if got := Apply(config.NamingSnake, c.in); got != c.snake {
			t.Errorf("snake(%q) = %q, want %q", c.in, got, c.snake)
		}
		if got := Apply(config.NamingKeep, c.in); got != c.in {
			t.Errorf("keep(%q) = %q, want it unchanged", c.in, got)
		}
	}
}

func TestWords(t *testing.T) {
	cases := map[string][]string{
		"HTMLParser":    {"HTML", "Parser"},
		"PatientID":     {"Patient", "ID"},
		"Order Details": {"Order", "Details"},
		"a-b_c d":       {"a", "b", "c", "d"},
		"Größe":         {"Größe"},
	}
	for in, want := range cases {
		got := Words(in)
		if len(got) != len(want) {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("Words(%q) = %q, want %q", in, got, want)
				break
			}
		}
	}
}
