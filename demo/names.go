package demo

// The word lists the estate is made of: real-looking names from a
// multilingual patient population, with the accents, apostrophes and scripts
// that break naive migrations.

var firstNames = []string{
	"José", "Zoë", "Łukasz", "Renée", "François", "Søren", "Björn", "María", "Chloé",
	"Siobhán", "Małgorzata", "Jürgen", "Noémie", "Ngozi", "Aiko", "Wei", "Priya",
	"Mohammed", "Olga", "Dmitri", "Fatima", "Kwame", "Ingrid", "Hannah", "Liam", "Emma",
	"Noah", "Olivia", "James", "Sofía", "Mateo", "Ana", "Lucía", "Jan", "Agnieszka",
	"Élodie", "Åsa", "Çağla", "Zoltán", "Anaïs", "Seán", "Niamh", "Ricardo", "Thi",
	"Minh", "Hiroshi", "Yuki", "Ji-woo", "Aleksandr", "Oluwaseun", "Grace", "Peter",
	"Mary", "John", "Linda", "Robert", "Patricia", "Michael", "Barbara", "David",
}

var lastNames = []string{
	"Müller", "O'Brien", "García", "Núñez", "Kowalski", "Wiśniewski", "Dubois",
	"Lefèvre", "Østergaard", "Smith", "Johnson", "Nguyen", "Kim", "Papadopoulos",
	"Çelik", "Yılmaz", "Schröder", "D'Angelo", "MacDonald", "van der Berg",
	"Ó Súilleabháin", "Håkansson", "Jones", "Brown", "Patel", "Singh", "Cohen",
	"Rossi", "Bianchi", "Fernández", "Gonçalves", "Nowak", "Dvořák", "Novák",
	"Jensen", "Andersson", "Okafor", "Mensah", "Tanaka", "Suzuki", "田中", "李",
	"Ivanova", "Petrov", "Haddad", "Khan", "Williams", "Taylor", "Davies", "Evans",
	"Martin", "Bernard", "Lambert", "Fischer", "Weiß", "Hoffmann", "Zieliński",
}

var cities = []string{
	"Springfield", "Riverside", "Fairview", "Kingston", "Montréal", "Zürich",
	"Kraków", "São Paulo", "Galway", "Malmö", "Köln", "Greenville", "Bristol",
	"Salem", "Franklin", "Clinton", "Georgetown", "Ashland", "Madison", "Dover",
}

var clinicKinds = []string{
	"Family Practice", "Medical Center", "Health Clinic", "Community Clinic",
	"Pediatrics", "Urgent Care", "Women's Health", "Cardiology Associates",
}

var titles = []string{"Dr.", "Dr.", "Dr.", "NP", "PA", "RN"}

var emailDomains = []string{
	"example.com", "mail.example.org", "example.net", "aol.example", "hotmail.example",
}

var patientNotes = []string{
	"Allergic to penicillin.",
	"Prefers Spanish — habla español.",
	"Patient's daughter (Zoë) is the emergency contact.",
	"Uses a wheelchair; book ground-floor rooms.",
	"Hard of hearing, speak clearly.\nNo phone calls after 6pm.",
	"Moved from the Kraków clinic in 2011. Records requested.",
	"Latex allergy!! Do NOT use latex gloves.",
	"Needs interpreter: 日本語.",
	"BP high at last visit (150/95), recheck in 3 months.",
	"\"Do not resuscitate\" order on file, see scanned form #4471.",
	"Pays cash; no insurance on file.",
	"Diabetic, type 2. Diet-controlled since 2014.",
}

var visitReasons = []string{
	"Annual check-up", "Follow-up", "Flu symptoms", "Back pain", "Vaccination",
	"Blood pressure check", "Prescription renewal", "Lab results review",
	"Sprained ankle", "Headache, dizziness", "Skin rash", "Prenatal visit",
	"Diabetes management", "Ear infection", "Chest pain — referred to cardiology",
}

var visitStatuses = []string{"completed", "completed", "completed", "completed", "cancelled", "no-show"}

var doses = []string{
	"1 tablet daily", "1 tablet twice daily", "2 tablets at bedtime", "5 ml three times daily",
	"1 capsule every 8 hours", "as needed, max 4/day", "1 puff twice daily", "10 units before meals",
}

var instructions = []string{
	"Take with food.", "Avoid alcohol.", "Do not drive after taking.",
	"Finish the whole course.", "Keep refrigerated.", "Take on an empty stomach.",
}

// generic drug names; the controlled ones are listed in controlled.
var drugNames = []string{
	"Amoxicillin", "Atorvastatin", "Lisinopril", "Metformin", "Amlodipine",
	"Omeprazole", "Simvastatin", "Losartan", "Albuterol", "Gabapentin",
	"Hydrochlorothiazide", "Sertraline", "Levothyroxine", "Furosemide",
	"Pantoprazole", "Prednisone", "Escitalopram", "Montelukast", "Rosuvastatin",
	"Bupropion", "Ibuprofen", "Paracetamol", "Cetirizine", "Warfarin",
	"Clopidogrel", "Insulin glargine", "Fluoxetine", "Citalopram", "Tamsulosin",
	"Meloxicam", "Doxycycline", "Azithromycin", "Ciprofloxacin", "Naproxen",
	"Morphine", "Oxycodone", "Diazepam", "Alprazolam", "Methylphenidate",
	"Tramadol", "Codeine", "Lorazepam",
}

var controlled = map[string]bool{
	"Morphine": true, "Oxycodone": true, "Diazepam": true, "Alprazolam": true,
	"Methylphenidate": true, "Tramadol": true, "Codeine": true, "Lorazepam": true,
}

var drugForms = []string{"Tablet", "Capsule", "Oral suspension", "Injection", "Inhaler", "Cream"}

var strengths = []string{"5 mg", "10 mg", "20 mg", "50 mg", "100 mg", "250 mg", "500 mg", "1 g", "5 mg/ml"}

var manufacturerNames = []struct{ name, country string }{
	{"Müller Pharma GmbH", "Germany"}, {"Laboratoires Hélène S.A.", "France"},
	{"Łódź Farmaceutyka Sp. z o.o.", "Poland"}, {"O'Brien Laboratories Ltd", "Ireland"},
	{"Zoë Biologics Inc.", "United States"}, {"Nordisk Læge A/S", "Denmark"},
	{"Farmacéutica Núñez", "Spain"}, {"Acme Generics", "United States"},
	{"Sakura Seiyaku K.K.", "Japan"}, {"Göteborg Medical AB", "Sweden"},
	{"Pharmaceutica São Bento", "Brazil"}, {"Alpine Heilmittel AG", "Switzerland"},
	{"Great Lakes Pharmaceuticals", "Canada"}, {"Apex Labs", "United States"},
	{"Çınar İlaç A.Ş.", "Türkiye"}, {"Hanseatic Arzneimittel", "Germany"},
	{"Celtic Remedies", "United Kingdom"}, {"Medivance", "India"},
	{"Bharat Formulations Pvt Ltd", "India"}, {"Dvořák Léčiva s.r.o.", "Czechia"},
	{"Southern Cross Pharma", "Australia"}, {"Cedar Health Products", "United States"},
	{"Vita Nova S.p.A.", "Italy"}, {"Helvetia Biotech", "Switzerland"},
}

var severities = []string{"minor", "moderate", "major"}

var interactionNotes = []string{
	"Increased risk of bleeding.", "May raise blood levels of the other drug.",
	"Avoid combination in patients over 65.", "Monitor kidney function.",
	"Additive sedation — warn patient.",
}

var warehouseNames = []string{"Central Depot", "North Annex", "Cold Store", "Harbor Warehouse", "East Distribution"}

var movementReasons = []string{"received", "dispensed", "returned", "expired", "transfer", "count correction"}

var auditActions = []string{"VIEW", "INSERT", "UPDATE", "DELETE", "LOGIN", "EXPORT"}

var auditTables = []string{"StockItems", "StockMovements", "Warehouses", "Patients", "Drugs"}

var auditUsers = []string{"SYSTEM", "admin", "jgarcia", "zmuller", "lkowalski", "sobrien", "batch_job"}

// languages are the west clinic's PreferredLanguage values, in their own names.
var languages = []string{
	"English", "English", "English", "Español", "Français", "Polski", "Tiếng Việt",
	"中文", "العربية", "Deutsch", "Português", "日本語", "Türkçe", "Kiswahili",
}
