-- A source big enough that migrating it takes seconds: Customers (300,000
-- rows) and Orders (200,000 rows, a foreign key to Customers), with accents,
-- quotes, backslashes, newlines, tabs, emoji and NULLs in the text.
CREATE TABLE Customers (
  CustomerID INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  Name VARCHAR(120) NOT NULL,
  Notes TEXT NULL,
  Balance DECIMAL(12,2) NULL,
  CreatedAt DATETIME NULL,
  IsActive TINYINT(1) NOT NULL DEFAULT 1,
  KEY idx_customers_name (Name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO Customers (CustomerID, Name, Notes, Balance, CreatedAt, IsActive)
SELECT seq,
  CONCAT(ELT(1 + seq % 5, 'Zoë', 'O''Brien', 'Łukasz "Luke"', 'José', 'Ærøskøbing'), ' #', seq),
  CASE WHEN seq % 7 = 0 THEN NULL
       WHEN seq % 7 = 1 THEN CONCAT('line one\nline two, café ', seq)
       WHEN seq % 7 = 2 THEN CONCAT('back\\slash and\ttab ', seq)
       WHEN seq % 7 = 3 THEN CONCAT('it''s "quoted" 🚀 ', seq)
       ELSE REPEAT(CONCAT('naïve ', seq, ' '), 1 + seq % 4) END,
  CASE WHEN seq % 11 = 0 THEN NULL ELSE (seq % 100000) * 1.37 - 5000 END,
  CASE WHEN seq % 13 = 0 THEN NULL ELSE TIMESTAMP('2001-01-01 00:00:00') + INTERVAL seq * 97 SECOND END,
  seq % 3 = 0
FROM seq_1_to_300000;

CREATE TABLE Orders (
  OrderID INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  CustomerID INT NULL,
  Item VARCHAR(200) NOT NULL,
  Quantity INT NOT NULL,
  Comment TEXT NULL,
  CONSTRAINT fk_orders_customer FOREIGN KEY (CustomerID) REFERENCES Customers (CustomerID)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO Orders (OrderID, CustomerID, Item, Quantity, Comment)
SELECT seq,
  CASE WHEN seq % 17 = 0 THEN NULL ELSE 1 + (seq * 7919) % 300000 END,
  CONCAT('Crème brûlée n°', seq % 1000, ' \'x\''),
  seq % 50,
  CASE WHEN seq % 2 = 0 THEN NULL ELSE CONCAT('ordered\r\non ', seq, ' — «fast»') END
FROM seq_1_to_200000;
