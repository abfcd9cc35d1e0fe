-- The conformance fixture (docs: /work/briefs/fixture.md), in SQLite's
-- natural types. people.manager_id and staff.dept_id reference their parent
-- without naming a column, which SQLite resolves to the parent's primary key.
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    manager_id INTEGER NULL REFERENCES people,
    born DATE NULL,
    score NUMERIC(10,2) NULL,
    active BOOLEAN NULL,
    note TEXT NULL,
    photo BLOB NULL
);
CREATE INDEX people_name_idx ON people (name);

INSERT INTO people VALUES
    (1, 'Ada', NULL, '1815-12-10', 99.50, 1, 'first', X'000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF'),
    (2, 'Zoë Łukasz 東京 😀', 1, '1990-02-28', -12.25, 0, replace(hex(zeroblob(10000)), '00', 'abcdefghij'), NULL),
    (3, 'O''Brien, "quoted"' || char(9) || 'tab' || char(10) || 'newline\end', 1, NULL, NULL, NULL, '', X''),
    (4, 'Dup', 2, '2000-01-01', 0.00, 1, NULL, NULL),
    (5, 'Dup', 4, '2024-02-29', 12345678.99, 0, 'last', X'DEADBEEF');

CREATE TABLE pairs (
    a INTEGER NOT NULL,
    b VARCHAR(20) NOT NULL,
    v INTEGER NULL,
    PRIMARY KEY (a, b)
);
INSERT INTO pairs VALUES (1, 'x', 10), (1, 'y', NULL), (2, 'a|b', 20), (2, 'x', 30), (3, '', 40);

CREATE TABLE pair_refs (
    id INTEGER PRIMARY KEY,
    a INTEGER NULL,
    b VARCHAR(20) NULL,
    FOREIGN KEY (a, b) REFERENCES pairs (a, b)
);
INSERT INTO pair_refs VALUES (1, 1, 'x'), (2, 2, 'a|b'), (3, NULL, NULL);

-- dept and staff reference each other: a foreign key cycle.
CREATE TABLE dept (
    id INTEGER PRIMARY KEY,
    name VARCHAR(50) NOT NULL,
    head_id INTEGER NULL REFERENCES staff (id)
);
CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    dept_id INTEGER NULL REFERENCES dept,
    name VARCHAR(50) NOT NULL
);
INSERT INTO dept VALUES (1, 'Research', 2), (2, 'Sales', NULL);
INSERT INTO staff VALUES (1, 1, 'Kim'), (2, 1, 'Lee'), (3, 2, 'Ola');

CREATE TABLE no_key (
    x INTEGER NULL,
    y VARCHAR(20) NULL
);
INSERT INTO no_key VALUES (1, 'a'), (1, 'a'), (2, NULL);

CREATE TABLE unique_only (
    code VARCHAR(10) NOT NULL UNIQUE,
    label VARCHAR(50) NULL
);
INSERT INTO unique_only VALUES ('B', 'second'), ('A', 'first'), ('C', NULL);

CREATE TABLE "order" (
    "select" INTEGER PRIMARY KEY,
    "group" VARCHAR(10) NOT NULL
);
INSERT INTO "order" VALUES (1, 'g1'), (2, 'g2');

CREATE TABLE "größe" (
    "maß" INTEGER PRIMARY KEY,
    "naïve" VARCHAR(20) NULL
);
INSERT INTO "größe" VALUES (1, 'café'), (2, NULL);
