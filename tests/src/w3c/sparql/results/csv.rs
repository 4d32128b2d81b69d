//! CSV results: the one format that loses types, so the engine's solutions are compared as the
//! CSV text they serialize to.

use oxrdf::{BlankNode, Literal, Term, Variable};
use sparesults::{QueryResultsFormat, QueryResultsSerializer};

use super::{Solutions, row};

/// The engine's solutions as a CSV results document would give them: serialized with
/// `sparesults`, then read back as text cells.
pub(super) fn csv_round_trip(
    variables: &[Variable],
    solutions: &[Vec<Option<Term>>],
) -> Result<Solutions, String> {
    let cannot = |e: std::io::Error| format!("cannot serialize the solutions to CSV: {e}");
    let mut serializer = QueryResultsSerializer::from_format(QueryResultsFormat::Csv)
        .serialize_solutions_to_writer(Vec::new(), variables.to_vec())
        .map_err(cannot)?;
    for values in solutions {
        serializer
            .serialize(
                variables
                    .iter()
                    .zip(values)
                    .filter_map(|(v, t)| Some((v, t.as_ref()?))),
            )
            .map_err(cannot)?;
    }
    let text = String::from_utf8(serializer.finish().map_err(cannot)?)
        .map_err(|e| format!("the CSV serialization is not UTF-8: {e}"))?;
    read_csv(&text).map_err(|e| format!("cannot read back the engine's CSV: {e}"))
}

/// Reads a CSV results document (RFC 4180, `\r\n` or `\n` line ends) into solutions whose values
/// are cells of text: an empty cell is unbound, `_:x` a blank node, anything else a plain literal.
pub(super) fn read_csv(text: &str) -> Result<Solutions, String> {
    let mut records = csv_records(text)?.into_iter();
    let variables = records
        .next()
        .ok_or("no header line")?
        .iter()
        .map(|name| Variable::new(name).map_err(|e| format!("{name} is not a variable: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let rows = records
        .map(|cells| {
            if cells.len() != variables.len() {
                return Err(format!(
                    "a line has {} cells for {} variables",
                    cells.len(),
                    variables.len()
                ));
            }
            Ok(row(variables.iter().zip(cells).filter_map(|(v, cell)| {
                Some((v.clone(), csv_term(cell)?))
            })))
        })
        .collect::<Result<_, String>>()?;
    Ok(Solutions {
        variables,
        rows,
        ordered: true,
        csv: true,
    })
}

/// The value of a CSV cell: `None` if empty (unbound), a blank node for `_:x`, else a plain
/// literal of the cell's text.
fn csv_term(cell: String) -> Option<Term> {
    if cell.is_empty() {
        return None;
    }
    if let Some(Ok(node)) = cell.strip_prefix("_:").map(BlankNode::new) {
        return Some(node.into());
    }
    Some(Literal::new_simple_literal(cell).into())
}

/// The records of a CSV text, each a list of unquoted cells. A line end after the last record
/// ends it rather than starting an empty one.
fn csv_records(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut line_open = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if cell.is_empty() => {
                // A quoted cell: up to the closing quote, `""` standing for `"`.
                loop {
                    match chars.next() {
                        None => return Err("a quoted cell is not closed".into()),
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            cell.push('"');
                        }
                        Some('"') => break,
                        Some(c) => cell.push(c),
                    }
                }
                line_open = true;
            }
            ',' => {
                record.push(std::mem::take(&mut cell));
                line_open = true;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
                line_open = false;
            }
            c => {
                cell.push(c);
                line_open = true;
            }
        }
    }
    if line_open {
        record.push(cell);
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str) -> Variable {
        Variable::new_unchecked(name)
    }

    fn bnode(id: &str) -> Term {
        BlankNode::new_unchecked(id).into()
    }

    #[test]
    fn csv_cells_are_read_with_quotes_and_either_line_end() {
        let records = csv_records("a,b\r\n\"x,\"\"y\"\"\",\n_:b0,z\n").expect("valid CSV");
        assert_eq!(
            records,
            vec![
                vec!["a".to_owned(), "b".to_owned()],
                vec!["x,\"y\"".to_owned(), String::new()],
                vec!["_:b0".to_owned(), "z".to_owned()],
            ]
        );
        let solutions = read_csv("a,b\n_:b0,\n").expect("valid CSV");
        assert_eq!(solutions.rows, vec![row([(var("a"), bnode("b0"))])]);
        assert!(csv_records("\"open").is_err());
    }
}
