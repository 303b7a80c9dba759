//! The `minipy` command: run a file, a `-c` string, or an interactive
//! prompt, like `python3`.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use minipy::{Interpreter, Options, PyError};

const USAGE: &str = "usage: minipy [--legacy-del] [-c cmd | file | -] [arg] ...";

/// What to run.
enum Mode {
    File(String),
    Command(String),
    Repl,
}

fn parse_args(args: Vec<String>) -> Result<(Mode, Options), String> {
    let mut options = Options::default();
    let mut it = args.into_iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--legacy-del" => options.legacy_del = true,
            "-c" => {
                let cmd = it.next().ok_or("Argument expected for the -c option")?;
                options.argv = std::iter::once("-c".to_string()).chain(it).collect();
                return Ok((Mode::Command(cmd), options));
            }
            "-h" | "--help" => return Err(String::new()),
            "-" => {
                options.argv = std::iter::once(String::new()).chain(it).collect();
                return Ok((Mode::Repl, options));
            }
            s if s.starts_with('-') => return Err(format!("Unknown option: {s}")),
            _ => {
                options.argv = std::iter::once(a.clone()).chain(it).collect();
                return Ok((Mode::File(a), options));
            }
        }
    }
    options.argv = vec![String::new()];
    Ok((Mode::Repl, options))
}

fn main() -> ExitCode {
    let (mode, options) = match parse_args(std::env::args().collect()) {
        Ok(x) => x,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("{msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let thread = std::thread::Builder::new()
        .name("minipy".into())
        .stack_size(minipy::STACK_SIZE)
        .spawn(move || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || run(mode, options)))
        });
    let status = match thread.map(|t| t.join()) {
        Ok(Ok(Ok(code))) => code,
        Ok(Ok(Err(payload))) | Ok(Err(payload)) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            eprintln!("minipy: internal error: {msg}");
            70
        }
        Err(e) => {
            eprintln!("minipy: internal error: cannot start the interpreter thread: {e}");
            70
        }
    };
    ExitCode::from(status)
}

/// Runs the interpreter; returns the exit status.
fn run(mode: Mode, options: Options) -> u8 {
    match mode {
        Mode::File(path) => match std::fs::read_to_string(&path) {
            Ok(src) => run_source(&src, &path, options),
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(2);
                let what = match e.kind() {
                    std::io::ErrorKind::NotFound => "No such file or directory".to_string(),
                    _ => e.to_string(),
                };
                eprintln!("minipy: can't open file '{path}': [Errno {errno}] {what}");
                2
            }
        },
        Mode::Command(cmd) => run_source(&cmd, "<string>", options),
        Mode::Repl => repl(options),
    }
}

fn run_source(src: &str, filename: &str, options: Options) -> u8 {
    let mut py = Interpreter::with_options(options);
    let status = match py.run(src, filename) {
        Ok(()) => 0,
        Err(e) => report(&py, &e),
    };
    py.finish();
    drop(py);
    status
}

/// Prints an uncaught error; returns the exit status it means.
fn report(py: &Interpreter, e: &PyError) -> u8 {
    py.flush();
    if let Some(code) = e.exit_code {
        return (code & 0xff) as u8;
    }
    eprint!("{}", e.traceback);
    1
}

/// The interactive prompt: `>>> ` and `... ` prompts, expression values
/// echoed, errors printed and the session continued; end of input exits.
fn repl(options: Options) -> u8 {
    let mut py = Interpreter::with_options(options);
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut status = 0;
    'session: loop {
        let mut buf = String::new();
        let mut prompt = ">>> ";
        loop {
            py.flush();
            print!("{prompt}");
            let _ = std::io::stdout().flush();
            let Some(Ok(line)) = lines.next() else {
                println!();
                break 'session;
            };
            buf.push_str(&line);
            buf.push('\n');
            let complete = if prompt == ">>> " {
                !line.trim_end().ends_with(':') && !line.trim().is_empty() || line.trim().is_empty()
            } else {
                line.trim().is_empty()
            };
            if complete {
                break;
            }
            prompt = "... ";
        }
        if buf.trim().is_empty() {
            continue;
        }
        match py.run_interactive(&buf) {
            Ok(Some(r)) => println!("{r}"),
            Ok(None) => {}
            Err(e) => {
                if let Some(code) = e.exit_code {
                    status = (code & 0xff) as u8;
                    break;
                }
                report(&py, &e);
            }
        }
    }
    py.finish();
    status
}
