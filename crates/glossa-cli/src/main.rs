//! `glossa`: the command-line front end. Each subcommand parses its arguments, makes one or two
//! calls into `glossa-api`, and prints the result. Exit codes: 0 success, 1 error, 2 usage.

/// mimalloc, not glibc malloc: imports allocate documents on a reader thread and free them on
/// the writer thread, where glibc's arenas cost a quarter of the import time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use glossa_api::core::{DocStatus, Role, Schema};
use glossa_api::{ExportOptions, Format, ImportFormat, ImportOptions, Project};

mod print;

/// Glossa: annotate claims and entities in text, and export labeled datasets.
#[derive(Parser)]
#[command(name = "glossa", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new project file.
    Init {
        /// The project file to create (for example news.glossa).
        project: PathBuf,
        /// Project name (default: the file stem).
        #[arg(long)]
        name: Option<String>,
        /// A label schema JSON file (default: "news claims & entities").
        #[arg(long)]
        schema: Option<PathBuf>,
    },
    /// Import documents: .txt/.md files, native .jsonl, or folders of them (recursively), or a
    /// dataset format given with --format.
    Import {
        /// The project file.
        project: PathBuf,
        /// Files or folders to import.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Input format.
        #[arg(long, value_parser = parse_import_format, default_value = "auto")]
        format: ImportFormat,
        /// Author of imported spans that name none.
        #[arg(long, env = "GLOSSA_AUTHOR", default_value = "import")]
        author: String,
        /// Skip invalid records (and list them) instead of importing nothing.
        #[arg(long)]
        skip_invalid: bool,
        /// Update documents whose id already exists instead of refusing them (a changed text
        /// becomes a new revision; status and metadata the file lacks are kept; spans replace
        /// only those of the layers the file brings).
        #[arg(long)]
        update: bool,
        /// Layer of imported spans that name none (default: gold).
        #[arg(long)]
        layer: Option<String>,
    },
    /// Show the history: every change, newest first.
    Log {
        /// The project file.
        project: PathBuf,
        /// Only this document's history.
        #[arg(long = "doc")]
        doc_id: Option<String>,
        /// Only this author's changes.
        #[arg(long)]
        author: Option<String>,
        /// At most this many entries.
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Undo an author's latest change of a document.
    Undo {
        /// The project file.
        project: PathBuf,
        /// The document.
        #[arg(long = "doc")]
        doc_id: String,
        /// Whose change.
        #[arg(long, env = "GLOSSA_AUTHOR")]
        author: String,
    },
    /// Redo an author's latest undone change of a document.
    Redo {
        /// The project file.
        project: PathBuf,
        /// The document.
        #[arg(long = "doc")]
        doc_id: String,
        /// Whose change.
        #[arg(long, env = "GLOSSA_AUTHOR")]
        author: String,
    },
    /// List the project's authors, or add one (or change their role).
    Authors {
        /// The project file.
        project: PathBuf,
        /// Add this author (or give an existing one --role).
        #[arg(long)]
        add: Option<String>,
        /// Their role: annotator (writes their own layer) or reviewer (also writes gold).
        #[arg(long, value_parser = parse_role, default_value = "annotator", requires = "add")]
        role: Role,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export the project's documents and annotations.
    Export {
        /// The project file.
        project: PathBuf,
        /// Output format: jsonl, doccano, label-studio, spacy, conll, hf, brat, w3c, csv or
        /// claims-tsv.
        #[arg(long, value_parser = parse_format, default_value = "jsonl")]
        format: Format,
        /// Output file, or folder for brat and hf (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Which layer: an annotator's name, gold, or all.
        #[arg(long, default_value = "all")]
        layer: String,
        /// Labels that become tags in conll, hf and spacy (comma-separated; default: the
        /// entity labels, or every label with --spans-key).
        #[arg(long, value_delimiter = ',')]
        labels: Vec<String>,
        /// spacy: put every span, overlaps included, in doc.spans[KEY].
        #[arg(long)]
        spans_key: Option<String>,
        /// Fail, writing nothing, if the format cannot hold everything.
        #[arg(long)]
        strict: bool,
        /// Only documents with this status (todo, in_progress, done): the annotator's own
        /// with --layer NAME, else everyone's combined.
        #[arg(long, value_parser = parse_status)]
        status: Option<DocStatus>,
        /// Only these documents (comma-separated ids).
        #[arg(long, value_delimiter = ',')]
        docs: Vec<String>,
        /// Only documents with spans in the exported layer.
        #[arg(long)]
        only_annotated: bool,
        /// Print the report (with the fidelity report) as JSON on standard error.
        #[arg(long)]
        json: bool,
    },
    /// List documents.
    Docs {
        /// The project file.
        project: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one document with its spans and relations.
    Show {
        /// The project file.
        project: PathBuf,
        /// The document id.
        doc_id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Count documents, spans, relations and operations.
    Stats {
        /// The project file.
        project: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show, export or replace the label schema.
    Schema {
        /// The project file.
        project: PathBuf,
        /// Write the schema to this JSON file.
        #[arg(long, conflicts_with = "import")]
        export: Option<PathBuf>,
        /// Replace the schema with this JSON file.
        #[arg(long)]
        import: Option<PathBuf>,
        /// Who replaces it (recorded in the history).
        #[arg(long, env = "GLOSSA_AUTHOR", default_value = "import")]
        author: String,
    },
    /// Rename a label on every span and in the schema, or merge it into another label of its
    /// kind (one operation; --undo takes the author's latest one back).
    Relabel {
        /// The project file.
        project: PathBuf,
        /// The label to rename (not with --undo).
        #[arg(required_unless_present = "undo")]
        from: Option<String>,
        /// Its new name, or the label to merge it into.
        #[arg(required_unless_present = "undo")]
        to: Option<String>,
        /// Undo the author's latest rename or merge instead.
        #[arg(long, conflicts_with_all = ["from", "to"])]
        undo: bool,
        /// Who renames (recorded in the history).
        #[arg(long, env = "GLOSSA_AUTHOR")]
        author: String,
    },
}

fn parse_import_format(s: &str) -> Result<ImportFormat, String> {
    ImportFormat::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL
            .iter()
            .filter(|f| f.can_import())
            .map(|f| f.name())
            .collect();
        format!("expected one of: auto, text, {}", names.join(", "))
    })
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s)
        .filter(|r| *r != Role::System)
        .ok_or_else(|| "expected annotator or reviewer".to_string())
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("expected one of: {}", names.join(", "))
    })
}

fn parse_status(s: &str) -> Result<DocStatus, String> {
    DocStatus::parse(s).ok_or_else(|| "expected one of: todo, in_progress, done".to_string())
}

fn open(project: &Path) -> Result<Project> {
    Project::open(project).with_context(|| format!("cannot open project {}", project.display()))
}

fn read_schema(path: &Path) -> Result<Schema> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read schema {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{}: not a valid schema file", path.display()))
}

fn run(cli: Cli) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match cli.command {
        Command::Init {
            project,
            name,
            schema,
        } => {
            let schema = schema.as_deref().map(read_schema).transpose()?;
            let name = name.unwrap_or_else(|| {
                project
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            let p = Project::create(&project, &name, schema)
                .with_context(|| format!("cannot create project {}", project.display()))?;
            print::created(&mut stdout, &p)?;
        }
        Command::Import {
            project,
            paths,
            format,
            author,
            skip_invalid,
            update,
            layer,
        } => {
            let mut p = open(&project)?;
            let opts = ImportOptions {
                format,
                author,
                skip_invalid,
                update,
                layer,
            };
            let bar = print::progress_bar(std::io::stderr().is_terminal());
            let report = p
                .import(&paths, &opts, &mut |pr| print::progress(&bar, pr))
                .with_context(|| format!("nothing was imported into {}", project.display()))?;
            bar.finish_and_clear();
            print::imported(&mut stdout, &report, &project)?;
        }
        Command::Export {
            project,
            format,
            out,
            layer,
            labels,
            spans_key,
            strict,
            status,
            docs,
            only_annotated,
            json,
        } => {
            let p = open(&project)?;
            let opts = ExportOptions {
                format,
                layer,
                labels,
                spans_key,
                strict,
                status,
                docs,
                only_annotated,
            };
            let report = match &out {
                Some(path) => p.export_to_path(path, &opts),
                None => p.export(&mut stdout, &opts),
            }
            .context("export failed")?;
            print::exported(&mut std::io::stderr(), &report, out.as_deref(), json)?;
        }
        Command::Docs { project, json } => {
            let docs = open(&project)?.documents()?;
            print::docs(&mut stdout, &docs, json)?;
        }
        Command::Show {
            project,
            doc_id,
            json,
        } => {
            let p = open(&project)?;
            let view = p.document(&doc_id)?;
            let orphans = p.orphaned_spans(&doc_id)?;
            print::show(&mut stdout, &view, &orphans, json)?;
        }
        Command::Log {
            project,
            doc_id,
            author,
            limit,
            json,
        } => {
            let ops = open(&project)?.history(doc_id.as_deref(), author.as_deref(), limit)?;
            print::log(&mut stdout, &ops, json)?;
        }
        Command::Undo {
            project,
            doc_id,
            author,
        } => {
            let outcome = open(&project)?.undo(&author, &doc_id)?;
            print::undone(&mut stdout, &outcome)?;
        }
        Command::Redo {
            project,
            doc_id,
            author,
        } => match open(&project)?.redo(&author, &doc_id)? {
            Some(op) => writeln!(stdout, "Redid {}.", print::describe(&op))?,
            None => writeln!(stdout, "Nothing to redo.")?,
        },
        Command::Authors {
            project,
            add,
            role,
            json,
        } => {
            let mut p = open(&project)?;
            if let Some(name) = add {
                let new = p.set_author_role(&name, role)?;
                let what = if new { "Added" } else { "Updated" };
                writeln!(stdout, "{what} {name} ({role}).")?;
            } else {
                print::authors(&mut stdout, &p.authors()?, json)?;
            }
        }
        Command::Stats { project, json } => {
            let stats = open(&project)?.stats()?;
            print::stats(&mut stdout, &stats, json)?;
        }
        Command::Schema {
            project,
            export,
            import,
            author,
        } => {
            let mut p = open(&project)?;
            if let Some(path) = import {
                p.set_schema(&author, read_schema(&path)?)
                    .with_context(|| format!("schema of {} unchanged", project.display()))?;
                writeln!(stdout, "Schema replaced from {}.", path.display())?;
            } else if let Some(path) = export {
                let json = serde_json::to_string_pretty(p.schema())? + "\n";
                std::fs::write(&path, json)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                writeln!(stdout, "Schema written to {}.", path.display())?;
            } else {
                print::schema(&mut stdout, p.schema())?;
            }
        }
        Command::Relabel {
            project,
            from,
            to,
            undo,
            author,
        } => {
            let mut p = open(&project)?;
            if undo {
                let undone = p.undo_rename(&author).context("undo failed")?;
                print::relabel_undone(&mut stdout, &author, undone)?;
            } else if let (Some(from), Some(to)) = (from, to) {
                let r = p
                    .rename_label(&author, &from, &to)
                    .with_context(|| format!("{} unchanged", project.display()))?;
                print::relabelled(&mut stdout, &from, &to, &r)?;
            }
        }
    }
    stdout.flush()?;
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
