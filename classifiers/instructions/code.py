"""Rules on code answers: commands given, complete code, code kept as given, banned constructs and calls, the
standard library only, the module system, allowed packages, a test given, the language asked for, Python's
conventions, code alone where only code was asked for, Dockerfile stages, reversible migrations.
"""

from __future__ import annotations

import ast
import re
import sys

from classifiers.instructions.common import COMPLETE_CODE, InstructionResult, _artifact_given
from classifiers.instructions.prose import _PREAMBLE


# A command: in backticks or a fenced block, or a line that starts with a lower-case program name and passes
# it a flag ("cilium hubble enable --ui"); the program may be named by its path ("bin/kafka-topics.sh --create").
_COMMAND_LINE = re.compile(r"```|`[^`\n]+`|"
                           r"^\s*(?:\$ )?(?:\.{0,2}/)?[a-z][\w.-]*(?:/[\w.-]+)*(?: +\S+)*? +--?[a-zA-Z][^\n]*$", re.M)


_ASKS_COMMANDS = re.compile(r"\b(?:exact|the|which|what|give me(?: the)?|list(?: the)?)\s+(?:[\w-]+\s+){0,2}?(?:cli\s+|"
                            r"shell\s+|terminal\s+)?commands?\b(?! (?:line|center|centre|palette|prompt|of)\b)|"
                            r"\b(?:cli|shell) commands only\b", re.I)


def _rule_commands(instr: str, output: str) -> InstructionResult | None:
    """'Give me the exact commands': the answer holds at least one command line, not a description of one."""
    if "command" not in instr.lower() or not _ASKS_COMMANDS.search(instr):
        return None
    lines = _COMMAND_LINE.findall(output)
    return InstructionResult("command lines given", bool(lines), f"{len(lines)} command lines")


# "Output only the Python source code", "Return only the contents of the file", "no explanation before or after".
_ASKS_CODE_ONLY = re.compile(r"\b(?:return|output|respond with|reply with|give|provide|answer with|write)\s+(?:only|just)\s+"
                        r"(?:the\s+)?(?:[\w.+#-]+\s+){0,2}?(?:code|source(?: code)?|contents? of the file|file contents?|"
                        r"script|function|class|module|program|snippet|command)\b(?!\s+(?:and|with|plus|followed)\b)|"
                        # "Output Python code only."
                        r"\b(?:return|output|respond with|reply with|give|provide|answer with|write)\s+(?:the\s+)?"
                        r"(?:[\w.+#-]+\s+){0,2}?(?:code|source(?: code)?|script)\s+only\b|"
                        r"\b(?:no|without(?: any)?)\s+(?:extra\s+|additional\s+|other\s+)?(?:explanations?|commentary|"
                        r"prose)\b", re.I)
_FENCED = re.compile(r"```[^\n]*\n(.*?)(?:```|$)", re.S)
"""A fenced block; its group is the code inside."""
# A line of prose: six or more words, ending like a sentence, with none of the punctuation code is made of.
_PROSE_LINE = re.compile(r"^(?![ \t]*(?:#|//|--|/\*|\*|;|<!--|\"|'))[^=;{}()<>\[\]`|\n]*?(?:\b[A-Za-z'’,-]+\b[ \t]+){5,}"
                         r"[^=;{}()<>\[\]`|\n]*[.:!?][ \t]*$", re.M)


def _rule_code_only(instr: str, output: str) -> InstructionResult | None:
    """'Output only the source code: no explanation': no prose stands outside the code (a lead-in such as
    "Here's the implementation:", or a paragraph after the block). Read only where code is asked for or given."""
    if not _ASKS_CODE_ONLY.search(instr):
        return None
    if _FENCED.search(output) is not None:
        outside = _FENCED.sub("\n", output)
        if (lead := _PREAMBLE.search(outside)) is not None:
            line = outside[lead.start():].strip().splitlines()[0]
            return InstructionResult("code only", False, f"says {line[:50]!r}")
    elif re.search(r"\b(?:code|source|file|script|function|class|module|program|snippet|command)\b", instr, re.I):
        outside = output
    else:
        return None  # "no explanation" on an answer without code: the bare-value rules read it
    prose = _PROSE_LINE.search(outside)
    return InstructionResult("code only", prose is None,
                             "nothing outside the code" if prose is None else f"says {prose.group(0).strip()[:50]!r}")


_VALID_PYTHON = re.compile(r"\b(?:a |one |single |syntactically )*valid python\b|\bpython (?:module|file|script|code) that "
                           r"(?:compiles|parses|imports)\b", re.I)
_ONE_FENCE = re.compile(r"\s*```[\w+-]*\n(.*?)\n?```\s*", re.S)


def _rule_valid_python(instr: str, output: str) -> InstructionResult | None:
    """'Output must be a single valid Python module': the output (or its one fenced block) parses as Python."""
    if not _VALID_PYTHON.search(instr) or not output.strip():
        return None
    fenced = _ONE_FENCE.fullmatch(output)
    try:
        ast.parse(fenced.group(1) if fenced else output)
    except (SyntaxError, ValueError) as exc:
        return InstructionResult("valid Python", False, f"does not parse: {getattr(exc, 'msg', exc)} "
                                 f"(line {getattr(exc, 'lineno', '?')})")
    return InstructionResult("valid Python", True, "parses")


_FROM = re.compile(r"^\s*FROM\s+(\S+)", re.M | re.I)
_FINAL_IMAGE = re.compile(r"\bfinal (?:stage|image)\b[^.\n]{0,40}?\b(?:must be|should be|is|on|from|uses?|use)\s+"
                          r"[`'\"]?([\w./-]+(?::[\w.-]+)?)", re.I)


def _rule_dockerfile_stages(instr: str, output: str) -> InstructionResult | None:
    """'Use a multi-stage build', 'The final stage must be gcr.io/distroless/static-debian12:nonroot': the
    Dockerfile has two FROM lines or more, and its last one names that image."""
    images = _FROM.findall(output)
    if not images:
        return None
    if re.search(r"\bmulti-?stage\b", instr, re.I):
        return InstructionResult("multi-stage build", len(images) >= 2, f"{len(images)} FROM line(s)")
    if m := _FINAL_IMAGE.search(instr):
        image = m.group(1).rstrip(".")
        ok = images[-1].lower().startswith(image.lower())
        return InstructionResult(f"final stage {image}", ok, f"final stage is {images[-1]}")
    return None


# A migration's way back: Alembic's downgrade(), Django's reverse_code / reverse_sql, Rails' down.
_REVERSIBLE = re.compile(r"\b(?:fully |must be |be )?reversible\b|\bdowngrade\(\)? must\b|\b(?:provide|include|write|"
                         r"implement) (?:a |the )?(?:reverse|down(?:grade)?) (?:function|method|migration|step)\b", re.I)
_DOWN_BODY = re.compile(r"^[ \t]*def (?:downgrade|down|reverse\w*)\([^)]*\)[^:]*:\s*\n((?:[ \t]+[^\n]*\n?|\s*\n)*)", re.M)


def _rule_reversible_migration(instr: str, output: str) -> InstructionResult | None:
    """'Every migration must be fully reversible', 'Provide a reverse function': the way back does something
    (a `downgrade()` of only `pass`, or `RunPython.noop` / `RunSQL.noop` as the reverse, undoes nothing)."""
    if not _REVERSIBLE.search(instr) or not re.search(r"\b(?:def upgrade|migrations\.|def up\b|def change\b)", output):
        return None
    noop = re.search(r"\breverse_(?:code|sql)\s*=\s*migrations\.Run(?:Python|SQL)\.noop\b", output)
    bodies = [re.sub(r"#[^\n]*|\"\"\"[\s\S]*?\"\"\"", "", b).split() for b in _DOWN_BODY.findall(output)]
    empty = any(body in ([], ["pass"], ["..."]) for body in bodies)
    if not bodies and not noop and re.search(r"\bdef upgrade\b", output):
        return InstructionResult("reversible migration", False, "no downgrade()")
    ok = not noop and not empty
    return InstructionResult("reversible migration", ok, "has a way back" if ok else "the reverse step does nothing")


# What a code answer leaves for the reader to write: a body of `todo!()`, "// ...set up the timer here",
# OCaml's "(* TODO: parse body *)".
_STUB = re.compile(r"\btodo!\(\)|\bunimplemented!\(\)|raise NotImplementedError|throw new Error\(['\"]not implemented|"
                   r"^\s*(?://|#|--|\(\*|/\*|\{-)\s*(?:\.\.\.|…|TODO\b)|"
                   r"\bfill in the (?:rest|remaining|details|logic)\b|"
                   # "// add password rules here", "# your validation goes here"
                   r"^\s*(?://|#|/\*)\s*(?:add|insert|put|implement|write|your)\b[^\n]{0,40}\b(?:here|goes here)\b",
                   re.I | re.M)


_ASKS_FULL_CODE = re.compile(r"\b(?:implement|(?:write|generate|give me|provide|build|create) (?:a |an |the )?(?:complete|"
                             r"full|working|entire)|complete,? (?:typed|working)? ?(?:implementation|function|hook|class|"
                             r"module|script)|complete,? (?:and )?(?:runnable|working) code|runnable code)\b", re.I)


def _rule_complete_code(instr: str, output: str) -> InstructionResult | None:
    """'Implement ...', 'write a complete ...': the code given has no stubbed-out bodies."""
    low = instr.lower()
    if not any(w in low for w in ("implement", "complete", "full", "working", "runnable")) or \
            not _ASKS_FULL_CODE.search(instr):
        return None
    stubs = _STUB.findall(output)
    return InstructionResult(COMPLETE_CODE, not stubs, f"{len(stubs)} stubbed parts" if stubs else "no stubs")


_KEEP_CODE = re.compile(r"\b(?:do not|don't|never|without) (?:modify|modifying|change|changing|rewrite|rewriting|alter|"
                        r"altering|refactor|refactoring|touch|touching) (?:the|this|that|my|our|its) (?:existing )?"
                        r"(?:function|component|class|method|code|module|implementation|query)\b", re.I)


def _rule_code_unchanged(instr: str, output: str, prompt: str) -> InstructionResult | None:
    """'Do not modify the function': the answer does not define again the code it was given."""
    low = instr.lower()
    if not any(w in low for w in ("modif", "chang", "rewrit", "alter", "refactor", "touch")):
        return None
    if not _KEEP_CODE.search(instr):
        return None
    given = re.findall(r"\b(func|def|function|class|fn|interface|struct)\s+(\w+)", prompt)
    redefined = [name for kw, name in given if re.search(r"\b" + kw + r"\s+" + re.escape(name) + r"\b", output)]
    if not given:
        return None
    return InstructionResult("given code left unchanged", not redefined,
                             f"redefines {redefined[0]}" if redefined else "not redefined")


# (A quoted word, "never use 'guarantee'", is the forbidden-words rule's: `_rule_keywords`. "Our config has no
# ssl_protocols line" describes; it bans nothing.)
_BANNED_CODE = re.compile(r"\b(?i:never|do not|don't|avoid|(?<!\bhas )(?<!\bhave )(?<!\bhad )(?<!\bwith )(?<!\bthere's )"
                          r"(?<!\bthere is )(?<!\bthere are )no)\s+(?i:use\s+|using\s+)?(`[^`]{1,30}`|SELECT \*|"
                          r"(?:TOP|QUALIFY|NOLOCK|DISTINCT|CROSS JOIN|NATURAL JOIN|ORDER BY RAND|GOTO)\b|"
                          # A name only code has: RunSQL, eval(), os.system, raw_sql.
                          r"[A-Z][a-z0-9]+[A-Z]\w*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:\(\))?|[A-Za-z_]\w*\(\)|"
                          # (A sentence's closing full stop ends the name: "Never use SELECT *.")
                          r"[a-z][a-z0-9]*_[a-z0-9_]+)(?![\w-]|\.\w)|"
                          # "Do not use UDFs": an acronym after "use" names a construct ("no PII" does not).
                          r"\b(?i:never|do not|don't|avoid)\s+(?i:use|using)\s+(?:any\s+)?([A-Z]{2,6})s?\b")


# "Never use -s/--slurp", "don't pass --force": command-line flags that must not appear.
_BANNED_FLAGS = re.compile(r"\b(?:never|do not|don't|avoid)\s+(?:use|using|pass|passing|add|adding)\s+(?:the\s+)?"
                           r"(--?[a-z][\w-]*)(?:\s*(?:/|,|or)\s*(--?[a-z][\w-]*))?(?![\w-])", re.I)


def _rule_banned_flags(instr: str, output: str) -> InstructionResult | None:
    """'Never use -s/--slurp': the output's commands pass neither flag."""
    m = _BANNED_FLAGS.search(instr)
    if not m:
        return None
    flags = [f for f in m.groups() if f]
    found = re.search(r"(?<![\w-])(?:" + "|".join(map(re.escape, flags)) + r")(?![\w-])", output)
    return InstructionResult(f"no {'/'.join(flags)}", found is None, f"passes {found.group(0)}" if found
                             else "passes neither")


def _rule_banned_code(instr: str, output: str) -> InstructionResult | None:
    """'Never use SELECT *', "don't use `any`": a code construct that must not appear, found in any case."""
    m = _BANNED_CODE.search(instr)
    if not m:
        return None
    token = (m.group(1) or m.group(2)).strip("`")
    if not token.strip():
        return None
    pattern = re.escape(token).replace(r"\ ", r"\s+") + r"(?![\w])"
    if token.endswith("()"):
        pattern = re.escape(token[:-2]) + r"\s*\("  # "no eval()" is broken by eval(s)
    found = re.search(r"(?<![\w])" + pattern, output, re.I)
    return InstructionResult(f"no {token}", found is None, f"uses {token}" if found else f"no {token}")


_NO_COMMENTS = re.compile(r"\b(?:no|without(?: any)?|(?:do not|don't|never) (?:add|include|write|leave|use)(?: any)?|"
                          r"remove (?:all |any )?(?:the )?)\s+(?:code |inline |explanatory )?comments\b"
                          r"(?! (?:on|about|from|section)\b)", re.I)
# A comment line or a trailing comment in the usual languages: "# ...", "// ...", "/* ...", "-- ..." (SQL, Lua), and
# "<!-- ... -->". Not a shebang, a C preprocessor line, a URL's "//" or a CSS colour.
_COMMENT = re.compile(r"^\s*(?:#(?![!\[{]|include\b|define\b|if|endif\b|else\b|pragma\b|region\b|import\b)|//|/\*|"
                      r"--\s|<!--)|(?<![:\w\"'/])\s//\s|[;)}\w\"']\s+#\s", re.M)


def _rule_no_comments(instr: str, output: str) -> InstructionResult | None:
    """'No comments in the code': the code (fenced blocks, or the whole answer where nothing is fenced) has none."""
    if not _NO_COMMENTS.search(instr):
        return None
    blocks = _FENCED.findall(output)
    code = "\n".join(blocks) if blocks else output
    m = _COMMENT.search(code)
    return InstructionResult("no code comments", m is None,
                             f"comment: {code[m.start():].strip().splitlines()[0][:40]!r}" if m else "none")


# The ban stated after the names: "raw SQL (migrations.RunSQL, cursor.execute) is not allowed", "`eval` must not be
# used". Only names only code has count (a dotted name, a call, CamelCase, snake_case, a backticked token):
# "comma joins are not allowed" or "retaliation is prohibited" name no construct to look for.
_CLAUSE = r"((?:[^.;\n]|\.(?=\w)){1,90}?)"  # a clause: a dot inside a name (os.system) does not end it
_DISALLOWED = re.compile(_CLAUSE + r"\s+(?:is|are)\s+(?:not\s+(?:allowed|permitted)|forbidden|prohibited|banned)\b|"
                         + _CLAUSE + r"\s+(?:must|may|should)\s+(?:not|never)\s+be\s+used\b", re.I)
_DISALLOWED_WORDS = re.compile(r"allowed|permitted|forbidden|prohibited|banned|be used", re.I)
_CODE_NAME = re.compile(r"`([^`]{1,30})`|(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:\(\))?|[A-Za-z_]\w*\(\)|"
                        r"[A-Z][a-z0-9]+[A-Z]\w*|[a-z][a-z0-9]*_[a-z0-9_]+)(?![\w.])")


def _rule_disallowed_code(instr: str, output: str) -> InstructionResult | None:
    """'cursor.execute is not allowed': a code name the constraint forbids after naming it must not appear."""
    # (The verdict words first: the clause before them is searched only where they stand.)
    if (k := _DISALLOWED_WORDS.search(instr)) is None:
        return None
    if not (m := _DISALLOWED.search(instr[max(0, k.start() - 110):k.end()])):
        return None
    clause = m.group(1) or m.group(2)
    # "raw SQL (migrations.RunSQL, cursor.execute)": the parenthesis lists what is banned.
    listed = re.search(r"\(([^()]+)\)", clause)
    names = [(a or b).strip() for a, b in _CODE_NAME.findall(listed.group(1) if listed else clause)]
    names = [n for n in names if n]
    if not names:
        return None
    used = [n for n in names if re.search(r"(?<![\w])" + re.escape(n.removesuffix("()")) + r"(?![\w])", output)]
    return InstructionResult(f"no {'/'.join(names)}", not used, f"uses {used[0]}" if used else "none used")


# "Do not use Lombok; our build does not include it": a library the code must not import.
_BANNED_LIBRARY = re.compile(r"\b(?:do not|don't|never|avoid)\s+(?:use|using|import|add|pull in)\s+(?:the\s+)?"
                             r"([A-Za-z][\w.-]{2,30})(\s+(?:library|package|module|crate|gem|dependency))?"
                             r"(?=\s*[;,.:)]|\s+(?:in|for|here|library|package|module|crate|gem|dependency)\b|\s*$)", re.I)
_NOT_A_LIBRARY = frozenset(("new", "any", "more", "other", "extra", "additional", "external", "third-party", "it",
                            "them", "this", "that", "gems", "packages", "libraries", "dependencies", "modules", "crates"))
_NOT_INSTALLED = re.compile(r"\b(?:does not|doesn't|do not|don't) (?:include|have|ship)|not (?:installed|available|on the "
                            r"classpath)", re.I)
_IMPORT_LINE = re.compile(r"^\s*(?:import|from|using|extern crate|#include|require)\b[^\n]*|"
                          r"\brequire\(\s*['\"][^'\"]+['\"]", re.M)


def _rule_banned_library(instr: str, output: str) -> InstructionResult | None:
    """'Do not use Lombok; our build does not include it': no import names the library. Kept only where the ban
    is plainly about a library (it is imported, or named as one, or said to be missing from the build)."""
    m = _BANNED_LIBRARY.search(instr)
    imports = _IMPORT_LINE.findall(output) if m else []
    if not m or not imports or m.group(1).lower() in _NOT_A_LIBRARY or _BANNED_CODE.search(instr):
        return None  # (a code name, "no math.h", is the banned-code rule's)
    name = m.group(1).rstrip(".")
    pattern = re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", re.I)
    used = [line.strip() for line in imports if pattern.search(line)]
    if not used and not m.group(2) and not _NOT_INSTALLED.search(instr):
        return None
    return InstructionResult(f"no {name}", not used, f"imports it: {used[0][:60]}" if used else "not imported")


# "Vectorised operations only, no Python-level loops over rows": a dataframe walked row by row breaks it.
_ASKS_VECTORISED = re.compile(r"\bvectori[sz]ed\b(?: \w+){0,2} only\b|"
                              r"\bno (?:python[- ]level |explicit |row[- ]by[- ]row |row[- ]wise )?(?:for[- ])?loops?\b|"
                              r"\b(?:without|avoid(?:ing)?) (?:any |python[- ]level |explicit )?(?:for[- ])?loops?\b|"
                              r"\b(?:do not|don't|never) (?:use (?:a |any )?(?:for[- ])?loops?|loop over (?:the )?rows|"
                              r"iterate over (?:the )?rows)\b", re.I)
_ROW_LOOP = re.compile(r"\.(?:iterrows|itertuples)\(|\.apply\([^\n]*axis\s*=\s*(?:1|['\"]columns['\"])|"
                       r"^\s*for \w+(?:\s*,\s*\w+)* in (?:range\(len\(|\w+\.index\b|\w+\[)", re.M)


def _rule_vectorised(instr: str, output: str) -> InstructionResult | None:
    """'Vectorised operations only': no row loop (`iterrows`, `itertuples`, `apply(axis=1)`,
    `for i in range(len(df))`)."""
    if not _ASKS_VECTORISED.search(instr) or not re.search(r"```|^\s*(?:import|from|def|for)\b|=", output, re.M):
        return None
    loop = _ROW_LOOP.search(output)
    return InstructionResult("vectorised, no row loops", loop is None,
                             f"loops: {loop.group(0).strip()[:40]!r}" if loop else "no row loop")


# "No dynamic memory allocation (no malloc/free)", "never call printf or puts": functions named in a ban, two or
# more joined by a slash or "or". Only a call (`malloc(`) breaks it, so a ban on "tables or lists" cannot fire.
_BANNED_CALLS = re.compile(r"\b(?:no|never (?:use|call)|do not (?:use|call)|don't (?:use|call)|avoid)\s+(?:calls? to\s+)?"
                           r"([a-z_]\w*(?:\(\))?(?:\s*(?:/|,|\bor\b)\s*[a-z_]\w*(?:\(\))?)+)", re.I)


def _rule_banned_calls(instr: str, output: str) -> InstructionResult | None:
    """'No malloc/free': none of the named functions is called."""
    m = _BANNED_CALLS.search(instr)
    # Read only against code (a fenced block, or lines that end in ; { or }): "no emojis or slang" is no ban on calls.
    if not m or not re.search(r"```|[;{}]\s*$", output, re.M):
        return None
    names = [n.removesuffix("()") for n in re.split(r"\s*(?:/|,|\bor\b)\s*", m.group(1)) if n]
    called = [n for n in names if re.search(r"(?<![\w.$])" + re.escape(n) + r"\s*\(", output)]
    # Plain words ("no prose or markdown") name no function: unless one is called, the ban is not about calls.
    if not called and not re.search(r"\bcalls?\b|\bfunctions?\b|\(\)", instr):
        return None
    return InstructionResult(f"no {'/'.join(names)} calls", not called,
                             f"calls {called[0]}" if called else "none called")


_STDLIB_ONLY = re.compile(r"\b(?:standard[- ]library only|only (?:the )?(?:python |go )?standard library|(?:only )?"
                          r"(?:node(?:\.js)? )?built-?in modules|no (?:npm|pip|third[- ]party|external) (?:packages|"
                          r"libraries|modules|dependencies|crates)|std only)\b", re.I)
_RUST_CRATE = re.compile(r"^\s*(?:pub\s+)?use\s+(?:::)?([A-Za-z_]\w*)::|^\s*extern\s+crate\s+(\w+)", re.M)
_RUST_OWN = frozenset(("std", "core", "alloc", "crate", "self", "super"))
# (JavaScript's "import debounce from 'lodash-es/debounce'" names a package in quotes: no Python import.)
_PY_IMPORT = re.compile(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)(?![^\n]*['\"])", re.M)
_JS_IMPORT = re.compile(r"(?:\bfrom\s+|\brequire\(\s*|^\s*import\s+)['\"]([^'\"./][^'\"]*)['\"]", re.M)
# A Go import path under a domain ("github.com/gin-gonic/gin") is a module from outside the standard library.
_GO_IMPORT = re.compile(r'^\s*(?:import\s+)?(?:[\w.]+\s+)?"((?:[a-z0-9-]+\.)+[a-z]{2,}/[^"\s]+)"', re.M)
_NODE_BUILTINS = frozenset("assert buffer child_process cluster crypto dgram dns events fs http http2 https net os path "
                           "perf_hooks process querystring readline stream string_decoder timers tls url util vm "
                           "worker_threads zlib".split())


def _third_party_imports(output: str) -> list[str]:
    """What the code imports from outside its language's standard library: Python modules, npm packages (Node's
    built-ins aside), Rust crates, Go modules under a domain."""
    outside = [m for m in _PY_IMPORT.findall(output) if m not in sys.stdlib_module_names]
    # (A path alias, "#imports", "~/utils", "@/stores", is the project's own code.)
    outside += [m for m in _JS_IMPORT.findall(output) if not m.startswith(("node:", "#", "~", "@/")) and
                m.split("/")[0] not in _NODE_BUILTINS]
    outside += [a or b for a, b in _RUST_CRATE.findall(output) if (a or b) not in _RUST_OWN]
    if re.search(r"^\s*package \w+", output, re.M):
        outside += _GO_IMPORT.findall(output)
    return outside


def _rule_stdlib_only(instr: str, output: str) -> InstructionResult | None:
    """'Standard library only', 'only Node.js built-in modules', 'std only': no third-party package (Python module,
    npm package, Rust crate) is imported."""
    low = instr.lower()
    if not any(w in low for w in ("standard", "built-in", "builtin", "npm", "pip", "third", "external", "std")):
        return None
    if not _STDLIB_ONLY.search(instr):
        return None
    outside = _third_party_imports(output)
    return InstructionResult("standard library only", not outside, f"imports {outside[0]}" if outside else "none")


_ESM_IMPORT = re.compile(r"^\s*import\s+(?:[\w*{}\s,]+\s+from\s+)?['\"]|^\s*export\s+(?:default|const|function|"
                         r"class)\b", re.M)
_CJS_REQUIRE = re.compile(r"\brequire\(\s*['\"]|\bmodule\.exports\b")


def _rule_module_system(instr: str, output: str) -> InstructionResult | None:
    """'Use CommonJS require' / 'use ES modules': the JavaScript given loads its modules that way."""
    if re.search(r"\bcommon ?js\b", instr, re.I):
        found = _ESM_IMPORT.search(output)
        return InstructionResult("CommonJS modules", found is None,
                                 f"uses {found.group(0).strip()[:30]!r}" if found else "require() only")
    if re.search(r"\b(?:es|ecmascript) modules\b|\besm\b|\bimport/export syntax\b", instr, re.I):
        found = _CJS_REQUIRE.search(output)
        return InstructionResult("ES modules", found is None,
                                 f"uses {found.group(0).strip()[:30]!r}" if found else "import/export only")
    return None


_ONLY_PACKAGES = re.compile(r"\bno (?:other )?(?:packages|dependencies|libraries|modules|gems|crates) (?:other than|"
                            r"besides|except|apart from|beyond) ([\w@/.-]+(?:(?:,\s*|\s+(?:and|or)\s+)[\w@/.-]+)*)|"
                            # "Do not add any new npm dependencies; we only have vue, nuxt and pinia."
                            r"\b(?:do not|don't|no|never|without) (?:add(?:ing)? )?(?:any )?new (?:npm |pip |third[- ]party )?"
                            r"(?:packages|dependencies|libraries|modules|gems|crates)\b[^.]{0,6}?\s*(?:we |the project )?"
                            r"(?:only )?(?:have|has|uses?|are using)(?: only)? ([\w@/.-]+(?:(?:,\s*|,?\s+(?:and|or)\s+)[\w@/.-]+)*)|"
                            r"\bonly (?:depend on|use|import) ([\w@/.-]+(?:(?:,\s*|\s+(?:and|or)\s+)[\w@/.-]+)*) "
                            r"(?:as (?:a |the )?(?:dependency|dependencies|packages?))\b", re.I)


def _rule_only_packages(instr: str, output: str) -> InstructionResult | None:
    """'No packages other than express': the code imports nothing else (a built-in module is no package)."""
    m = _ONLY_PACKAGES.search(instr)
    if not m:
        return None
    allowed = {a.lower().rstrip(".") for a in re.split(r",?\s+(?:and|or)\s+|,\s*", m.group(1) or m.group(2) or m.group(3))}
    outside = [n for n in _third_party_imports(output) if n.lower() not in allowed
               and n.split("/")[0].lower() not in allowed]
    return InstructionResult(f"no packages other than {', '.join(sorted(allowed))}", not outside,
                             f"imports {outside[0]}" if outside else "none")


_ASKS_TEST = re.compile(r"^\W*(?:please\s+)?(?:write|add|give|generate|create)(?: me| us)? "
                        r"(?:a|an|the|some|one|two|three)?\s*(?:[\w+#.-]+ ){0,4}?"
                        r"(?:unit |integration |regression |end-to-end |e2e )?tests?\b(?! plan)|"
                        # One numbered part of a request that asks for several: "...; (3) Vitest tests covering ...",
                        # or one added to it: "Write a retry helper ..., plus Vitest tests that ...".
                        r"(?:(?:^|[;,:]|\band)\s*\(?(?:\d|[a-e])\)|\bplus)\s*(?:[\w+#.-]+ ){0,3}?"
                        r"(?:unit |integration |regression |end-to-end |e2e )?tests?\b(?! plan)|"
                        # A test named by its annotation in a list of parts: "..., validation, and a @WebMvcTest".
                        r"(?:[,;:]|\band|\bplus)\s+(?:a|an|one)\s+@\w*Test\b", re.I)
# What a test looks like in the common frameworks: JUnit/xUnit attributes, pytest and Go test functions, Rust's
# #[test], Jest/Mocha/Vitest blocks, RSpec examples.
_TEST_CODE = re.compile(r"@Test\b|@ParameterizedTest\b|\[(?:Fact|Theory|Test|TestMethod)\]|^\s*(?:async )?def test_\w*\(|"
                        r"^\s*func Test\w*\(|#\[(?:tokio::)?test\]|\b(?:it|test|describe)\(\s*['\"`]|"
                        r"^\s*(?:fun|void) `?test\w*|\bassert(?:Equals|That|True|_eq!|\.equal)\b|\bexpect\(", re.M)


def _rule_test_given(instr: str, output: str) -> InstructionResult | None:
    """'Write a JUnit 5 unit test for this service': the output holds a test (a refactor of the service, or advice
    on testing, is not one)."""
    asked = _ASKS_TEST.search(instr) is not None
    return _artifact_given("test", asked, asked and _TEST_CODE.search(output) is not None, output)


# Lines only one language family writes (Kotlin's `fun`, Java's `public static`, Go's `func`...).
_CODE_FAMILIES = {name: re.compile(pattern, re.M) for name, pattern in {
    "kotlin": r"^\s*(?:private |internal |suspend )*fun \w+\(|^\s*(?:val|var) \w+\s*[:=]|\bdata class \w+",
    "java": r"\bpublic (?:static |final |abstract )*(?:class|record|interface|enum|void|[A-Z]\w*(?:<[^>]*>)?) \w+|"
            r"\bSystem\.out\.|^\s*(?:private|protected) (?:static )?(?:final )?[A-Z]\w* \w+\s*[;=]",
    "python": r"^\s*def \w+\(.*\)\s*(?:->[^:]+)?:\s*$|^\s*from [\w.]+ import \w|^\s*import \w+(?:\.\w+)*\s*$",
    "go": r"^\s*func (?:\(\w+ \*?\w+\) )?\w+\(|^package \w+\s*$|:= ",
    "javascript": r"^\s*(?:export )?(?:const|let) \w+\s*(?::\s*[\w<>\[\]|]+\s*)?=|"
                  r"^\s*(?:export )?(?:async )?function \w+\(|^\s*(?:export )?interface \w+ \{",
    "rust": r"^\s*(?:pub )?fn \w+|\blet mut \w+|^\s*impl(?:<[^>]*>)? \w+",
    "csharp": r"^\s*using System|^\s*namespace \w+|\bpublic (?:async )?(?:Task|void|string|int|bool)(?:<[^>]*>)? \w+\(",
    "powershell": r"\b(?:Get|Set|New|Remove|Test|Compress|Expand|Write|Invoke|Start|Stop|Join|Copy|Move)-[A-Z][a-z]\w+|"
                  r"^\s*param\s*\(",
    "bash": r"^#!\s*/(?:usr/)?bin/(?:env )?(?:ba|z)?sh\b|^\s*set -e|^\s*(?:done|fi|esac)\s*$",
}.items()}
_CODE_LANGUAGE_NAMES = r"(kotlin|java|python|go|golang|typescript|javascript|rust|c#|powershell|bash)"
_ASKS_LANGUAGE = re.compile(
    r"\b(?:in|using|with)\s+" + _CODE_LANGUAGE_NAMES + r"(?![\w#+])|\b" + _CODE_LANGUAGE_NAMES + r" only\b|"
    # "Our Go service has a data race": the code to fix is in that language.
    r"\b(?:our|my|this) " + _CODE_LANGUAGE_NAMES + r" (?:service|app|application|codebase|handler|program|api|server|"
    r"project|microservice|backend|cli)\b|"
    r"\b(?:write|give|create|generate|need|want|draft)\w* (?:me |us )?(?:a|an) " + _CODE_LANGUAGE_NAMES
    + r" (?:script|function|program|snippet|class|module|one-liner)\b", re.I)
_CODE_LANGUAGES = {"kotlin": "kotlin", "java": "java", "python": "python", "go": "go", "golang": "go",
                   "typescript": "javascript", "javascript": "javascript", "rust": "rust", "c#": "csharp",
                   "csharp": "csharp", "powershell": "powershell", "bash": "bash"}


def _rule_code_language(instr: str, output: str) -> InstructionResult | None:
    """'Write it in Kotlin': code in another language (a Java record) does not keep the rule."""
    low = instr.lower()
    m = _ASKS_LANGUAGE.search(instr) if any(name in low for name in _CODE_LANGUAGES) else None
    if not m:
        return None
    want = _CODE_LANGUAGES[next(g for g in m.groups() if g).lower()]
    seen = {fam for fam, pat in _CODE_FAMILIES.items() if pat.search(output)}
    if not seen or want in seen:
        return None if not seen else InstructionResult(f"code in {want}", True, f"{want} code")
    # Java and Kotlin share libraries, so Kotlin's markers are the test there; the others are told apart by theirs.
    return InstructionResult(f"code in {want}", False, f"looks like {sorted(seen)[0]}")


_PYTHON_RULE = re.compile(r"(?P<snake>\bsnake[_ ]case\b|\bpep ?8\b)|(?P<doc>\bdocstrings?\b)|(?P<hints>\btype hints?\b|"
                          r"\btype annotations?\b)", re.I)


def _rule_python_conventions(instr: str, output: str) -> InstructionResult | None:
    """'snake_case names', 'a docstring', 'type hints': read from the Python functions in the output."""
    low = instr.lower()
    rule = _PYTHON_RULE.search(instr) if any(w in low for w in ("snake", "pep", "docstring", "type ")) else None
    defs = re.findall(r"^\s*def (\w+)\(([^)]*)\)\s*(->)?", output, re.M) if rule else []
    if not rule or not defs:
        return None
    if rule["snake"]:
        names = [name for name, _, _ in defs] + re.findall(r"^\s*([A-Za-z_]\w*)\s*=(?!=)", output, re.M)
        bad = [n for n in names if re.search(r"[a-z][A-Z]", n) or re.match(r"[A-Z][a-z]", n)]
        return InstructionResult("snake_case names", not bad, f"uses {bad[0]}" if bad else "snake_case")
    if rule["doc"]:
        ok = '"""' in output or "\'\'\'" in output
        return InstructionResult("docstring", ok, "has a docstring" if ok else "no docstring")
    if rule["hints"]:
        params = [p.strip() for _, args, _ in defs for p in args.split(",")]
        params = [p for p in params if p and p not in ("self", "cls")]
        ok = all(":" in p for p in params) and all(arrow for _, _, arrow in defs)
        return InstructionResult("type hints", ok, "annotated" if ok else "missing annotations")
    return None
