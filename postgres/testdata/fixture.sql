-- The conformance fixture (/work/briefs/fixture.md) in PostgreSQL's natural
-- types. The foreign keys are added after the rows, since dept and staff
-- reference each other.
CREATE TABLE people (
    id integer PRIMARY KEY,
    name varchar(100) NOT NULL,
    manager_id integer NULL,
    born date NULL,
    score numeric(10,2) NULL,
    active boolean NULL,
    note text NULL,
    photo bytea NULL
);
CREATE INDEX people_name_idx ON people (name);
INSERT INTO people VALUES
    (1, 'Ada', NULL, '1815-12-10', 99.50, true, 'first', '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'),
    (2, 'Zoë Łukasz 東京 😀', 1, '1990-02-28', -12.25, false, repeat('abcdefghij', 10000), NULL),
    (3, E'O''Brien, "quoted"\ttab\nnewline\\end', 1, NULL, NULL, NULL, '', '\x'),
    (4, 'Dup', 2, '2000-01-01', 0.00, true, NULL, NULL),
    (5, 'Dup', 4, '2024-02-29', 12345678.99, false, 'last', '\xdeadbeef');

CREATE TABLE pairs (
    a integer NOT NULL,
    b varchar(20) NOT NULL,
    v integer NULL,
    PRIMARY KEY (a, b)
);
INSERT INTO pairs VALUES (1, 'x', 10), (1, 'y', NULL), (2, 'a|b', 20), (2, 'x', 30), (3, '', 40);

CREATE TABLE pair_refs (
    id integer PRIMARY KEY,
    a integer NULL,
    b varchar(20) NULL
);
INSERT INTO pair_refs VALUES (1, 1, 'x'), (2, 2, 'a|b'), (3, NULL, NULL);

CREATE TABLE dept (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    head_id integer NULL
);
CREATE TABLE staff (
    id integer PRIMARY KEY,
    dept_id integer NULL,
    name varchar(50) NOT NULL
);
INSERT INTO dept VALUES (1, 'Research', 2), (2, 'Sales', NULL);
INSERT INTO staff VALUES (1, 1, 'Kim'), (2, 1, 'Lee'), (3, 2, 'Ola');

CREATE TABLE no_key (
    x integer NULL,
    y varchar(20) NULL
);
INSERT INTO no_key VALUES (1, 'a'), (1, 'a'), (2, NULL);

CREATE TABLE unique_only (
    code varchar(10) NOT NULL UNIQUE,
    label varchar(50) NULL
);
INSERT INTO unique_only VALUES ('B', 'second'), ('A', 'first'), ('C', NULL);

CREATE TABLE "order" (
    "select" integer PRIMARY KEY,
    "group" varchar(10) NOT NULL
);
INSERT INTO "order" VALUES (1, 'g1'), (2, 'g2');

CREATE TABLE "größe" (
    "maß" integer PRIMARY KEY,
    "naïve" varchar(20) NULL
);
INSERT INTO "größe" VALUES (1, 'café'), (2, NULL);

ALTER TABLE people ADD FOREIGN KEY (manager_id) REFERENCES people (id);
ALTER TABLE pair_refs ADD FOREIGN KEY (a, b) REFERENCES pairs (a, b);
ALTER TABLE dept ADD FOREIGN KEY (head_id) REFERENCES staff (id);
ALTER TABLE staff ADD FOREIGN KEY (dept_id) REFERENCES dept (id);
