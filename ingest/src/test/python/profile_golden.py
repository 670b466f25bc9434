#!/usr/bin/python3
"""Writes the golden files of ProfileGoldenTest (streamtune profile's statistics) with pandas.

Run from the repository root:  /usr/bin/python3 ingest/src/test/python/profile_golden.py
It writes ingest/src/test/resources/profile-golden/{credit_data,dirty_small}.json and the small
dirty CSV it profiles (dirty_small.csv); commit them with any change here. Test-time reference
only: the build never runs Python, the Java test reads the JSON.

pandas reads the file with the same missing-value spellings as streamtune (CsvFormat), and a column
is read as numbers with pd.to_numeric(errors="coerce"): the cells it turns into NaN beyond the
missing ones are the cells that are not numbers. describe() gives count, mean, std (n - 1),
min, quartiles (linear interpolation) and max; value_counts() the top values; IQR outliers are the
values beyond q1 - 1.5 IQR and q3 + 1.5 IQR; duplicated() the exact duplicate rows.
"""
import json
import os
import random

import pandas as pd

OUT = os.path.join("ingest", "src", "test", "resources", "profile-golden")
MISSING = ["", "NA", "N/A", "n/a", "na", "NaN", "nan", "NAN", "null", "NULL", "Null", "None",
           "?", "-"]


def dirty_small(path):
    """200 rows: numbers with words and missing spellings, a category with '?', a label."""
    rng = random.Random(21)
    lines = ["y,glucose,bmi,city"]
    for i in range(200):
        glucose = str(rng.randint(60, 200))
        if i % 37 == 5:
            glucose = rng.choice(["high", "low", "n.a"])
        elif i % 41 == 3:
            glucose = rng.choice(MISSING[:6])
        bmi = "%.1f" % rng.uniform(17, 45)
        if i % 53 == 9:
            bmi = "?"
        city = rng.choice(["Oslo", "Lyon", "Porto", "Graz", "Oslo"]) if i % 29 else "-"
        lines.append("%s,%s,%s,%s" % (rng.choice(["yes", "no", "no"]), glucose, bmi, city))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def profile(path):
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=MISSING)
    raw = raw.apply(lambda c: c.str.strip())
    result = {"rows": len(raw), "duplicate_rows": int(raw.duplicated().sum()), "columns": {}}
    for name in raw.columns:
        column = raw[name]
        missing = int(column.isna().sum())
        numbers = pd.to_numeric(column, errors="coerce")
        not_numbers = int(numbers.isna().sum()) - missing
        entry = {
            "missing": missing,
            "distinct": int(column.nunique()),
            "numbers": int(numbers.notna().sum()),
            "not_numbers": not_numbers,
            "top": {str(k): int(v) for k, v in column.value_counts().head(3).items()},
        }
        if numbers.notna().sum() > 0:
            d = numbers.describe()
            q1, q3 = d["25%"], d["75%"]
            low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
            entry["describe"] = {k: float(d[k]) for k in
                                 ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]}
            entry["iqr_outliers"] = int(((numbers < low) | (numbers > high)).sum())
        result["columns"][name] = entry
    result["pandas"] = pd.__version__
    return result


def main():
    os.makedirs(OUT, exist_ok=True)
    dirty = os.path.join(OUT, "dirty_small.csv")
    dirty_small(dirty)
    for name, path in [("credit_data", os.path.join("data", "credit_data.csv")),
                       ("dirty_small", dirty)]:
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(profile(path), f, indent=1, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
