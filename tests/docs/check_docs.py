#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The docs against the binary and each other (issue 12): multus(8) renders without warnings
and has its sections; every command `multus --help` lists is in the man page's synopsis, and
each command's --help flags (and defaults) are the ones its OPTIONS subsection lists; README.md,
README.zh.md and the man page name the same netconf keys and annotations, and every key the
netconf parser reads is documented; README.zh.md has README.md's sections and commands.

Everything compared is extracted (from the binary's output, the man source, the READMEs and
src/multus/netconf.c), never a copy kept here. Usage: check_docs.py MULTUS MANPAGE."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok - " + name)
    else:
        failed += 1
        print("not ok - " + name)
        for line in str(detail).splitlines()[:30]:
            print("#   " + line)


def run(argv, env=None):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def unescape(s):
    """Man source text as it reads: \\- is -, font escapes and quotes dropped."""
    s = s.replace("\\-", "-").replace("\\&", "").replace("\\(aq", "'")
    s = re.sub(r"\\f[BIRP]", "", s)
    return s


# --- the man page's source, by section and subsection --------------------------------------
def man_sections(path):
    """{SECTION: {SUBSECTION or "": [lines]}}."""
    secs, sec, sub = {}, None, ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r'^\.SH\s+"?(.*?)"?\s*$', line)
            if m:
                sec, sub = unescape(m.group(1)), ""
                secs.setdefault(sec, {}).setdefault(sub, [])
                continue
            m = re.match(r'^\.SS\s+"?(.*?)"?\s*$', line)
            if m and sec:
                sub = unescape(m.group(1))
                secs[sec].setdefault(sub, [])
                continue
            if sec:
                secs[sec][sub].append(line)
    return secs


def tp_items(lines):
    """[(tag line, paragraph text)] of the .TP items."""
    items, i = [], 0
    while i < len(lines):
        if lines[i].startswith(".TP") and i + 1 < len(lines):
            tag, body = lines[i + 1], []
            i += 2
            while i < len(lines) and not re.match(r"^\.(TP|PP|SS|SH|P|LP)\b", lines[i]):
                body.append(lines[i])
                i += 1
            items.append((tag, " ".join(unescape(re.sub(r"^\.[A-Z]+\s*", "", b)) for b in body)))
        else:
            i += 1
    return items


def tag_words(tag):
    """The words of a .TP tag line (.B/.BR/.BI arguments, quotes and commas dropped)."""
    tag = unescape(re.sub(r"^\.[A-Z]+\s*", "", tag))
    return [w for w in re.split(r'[\s",]+', tag) if w]


def long_flags(text):
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text))


# --- --help output --------------------------------------------------------------------------
def help_flags(text):
    """{--flag: default in [brackets] or None} from the option lines of a --help text: a line
    that starts with blanks and a dash names the flags (its first column), the lines indented
    under it continue its text, whose closing [bracket] (it may span lines) is the default."""
    flags, blocks, cur = {}, [], None
    for line in text.splitlines():
        if re.match(r"^\s+-", line):
            names = long_flags(re.split(r"\s{2,}", line.strip())[0])
            cur = [sorted(names) if names else sorted(long_flags(line)), line.strip()]
            blocks.append(cur)
        elif cur and re.match(r"^\s{6,}\S", line):
            cur[1] += " " + line.strip()
        else:
            cur = None
    for names, body in blocks:
        m = re.search(r"\[([^\[\]]*)\]\s*$", body)
        for fl in names:
            flags[fl] = m.group(1).strip() if m else None
    return flags


def commands_of_help(text):
    cmds = []
    for line in text.splitlines():
        # "  multus NAME   what": the CNI use is "  multus" and the text column.
        m = re.match(r"^\s+multus (\S+)", line)
        if m:
            cmds.append(m.group(1))
    return cmds


# --- README tables --------------------------------------------------------------------------
def md_first_column(path, heading_re):
    """The code spans of the first column of the first table after a heading matching
    heading_re (case-insensitive), split at commas."""
    out, in_sec, in_table = [], False, False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if re.match(r"^#{1,6} ", line):
                if in_table:
                    break
                in_sec = re.search(heading_re, line, re.I) is not None
                continue
            if not in_sec:
                continue
            if line.startswith("|"):
                in_table = True
                first = line.split("|")[1]
                out += re.findall(r"`([^`]+)`", first)
            elif in_table:
                break
    return out


def md_headings(path, level):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return [l for l in text.splitlines() if re.match("^" + "#" * level + " ", l)]


def md_commands(path):
    """Command lines of README.md's code: indented or fenced lines that run sh, make, kubectl or
    multus (a "# " prompt allowed), comments after the command dropped."""
    cmds, fenced, prev_blank, in_code = [], False, True, False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("```"):
                fenced = not fenced
                continue
            # An indented code block starts after a blank line (an indented line right after
            # text is a list item's continuation) and runs while lines stay indented.
            in_code = line.startswith("    ") and (in_code or prev_blank)
            prev_blank = line.strip() == ""
            if not (fenced or in_code):
                continue
            s = line.strip()
            s = re.sub(r"^[#$] ", "", s)
            if re.match(r"^(sh|make|kubectl|multus) ", s):
                cmds.append(re.sub(r"\s+#.*$", "", s).strip())
    return cmds


def main():
    multus, man = sys.argv[1], sys.argv[2]
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")

    # 1. The man page renders, without warnings, with its sections.
    rc, out, err = run(["man", "-l", man], env)
    check("man -l renders multus(8)", rc == 0 and "MULTUS(8)" in out, err)
    rc, _, err = run(["man", "--warnings", "-l", man], env)
    check("man --warnings: no warnings", rc == 0 and err.strip() == "", err)
    rc, _, err = run(["groff", "-ww", "-z", "-man", man], env)
    check("groff -ww: no warnings", rc == 0 and err.strip() == "", err)
    rendered = out.splitlines()
    for sec in ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "NETCONF KEYS",
                "ANNOTATIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"]:
        check("man section " + sec, sec in rendered)
    check("rendered at 80 columns", max(len(l) for l in rendered) <= 80,
          max(rendered, key=len))
    secs = man_sections(man)

    # 2. Commands and flags: --help against the man page.
    rc, top, err = run([multus, "--help"])
    cmds = commands_of_help(top)
    check("multus --help lists commands", rc == 0 and "--verify" in cmds and "install" in cmds,
          top + err)
    synopsis = [unescape(l) for l in secs.get("SYNOPSIS", {}).get("", [])]
    for c in cmds:
        check("synopsis names multus " + c,
              any(re.match(r"^\.B multus " + re.escape(c) + r"(\s|$)", l) for l in synopsis),
              "\n".join(synopsis))
    opts = secs.get("OPTIONS", {})
    for c in cmds:
        if c in ("--help", "--version"):
            continue
        rc, text, err = run([multus, c, "--help"])
        check("multus %s --help exits 0" % c, rc == 0, text + err)
        hf = help_flags(text)
        sub = "multus " + c
        check("OPTIONS has a subsection for " + sub, sub in opts, sorted(opts))
        items = tp_items(opts.get(sub, []))
        mf = {}
        for tag, body in items:
            for fl in long_flags(" ".join(tag_words(tag))):
                m = re.search(r"Default:\s*(.*?)\.?\s*$", body)
                mf[fl] = m.group(1).strip() if m else None
        check("%s: --help and the man page list the same flags" % sub,
              set(hf) == set(mf) and hf,
              "only in --help: %s\nonly in the man page: %s" %
              (sorted(set(hf) - set(mf)), sorted(set(mf) - set(hf))))
        for fl, d in sorted(hf.items()):
            if d is not None and fl in mf:
                check("%s %s: the man page gives --help's default [%s]" % (sub, fl, d),
                      mf[fl] == d, "man page: %r" % mf[fl])
        # Every flag line of --help says its default or is a switch/help.
        for fl, d in sorted(hf.items()):
            check("%s --help: %s has a default or is a plain switch" % (sub, fl),
                  d is not None or not re.search(re.escape(fl) + r"[ =][A-Z]", text))

    # 3. Netconf keys and annotations: README.md, README.zh.md, the man page, the parser.
    readme = os.path.join(ROOT, "README.md")
    zh = os.path.join(ROOT, "README.zh.md")
    check("README.zh.md exists", os.path.exists(zh))
    if not os.path.exists(zh):
        return
    k_en = md_first_column(readme, r"netconf")
    k_zh = md_first_column(zh, r"netconf")
    k_man = [w for tag, _ in tp_items(secs.get("NETCONF KEYS", {}).get("", []))
             for w in tag_words(tag)]
    check("README.md names netconf keys", len(k_en) > 10, k_en)
    check("README.md and README.zh.md name the same netconf keys", sorted(k_en) == sorted(k_zh),
          "only in README.md: %s\nonly in README.zh.md: %s" %
          (sorted(set(k_en) - set(k_zh)), sorted(set(k_zh) - set(k_en))))
    check("README.md and multus(8) name the same netconf keys", set(k_en) == set(k_man),
          "only in README.md: %s\nonly in multus.8: %s" %
          (sorted(set(k_en) - set(k_man)), sorted(set(k_man) - set(k_en))))
    with open(os.path.join(ROOT, "src/multus/netconf.c"), encoding="utf-8") as f:
        src = f.read()
    parsed = set(re.findall(r'\b(?:get_[a-z_]+|json_object_get(?:_ci)?)\(\s*(?:nc\.)?raw,\s*"([^"]+)"', src))
    # Not the operator's keys: prevResult is the CNI spec's input from the runtime (CHECK,
    # DEL); plugins is looked at only to refuse a conflist given as the netconf.
    parsed -= {"prevResult", "plugins"}
    check("the netconf parser reads keys", len(parsed) > 10, sorted(parsed))
    check("every key the parser reads is in README.md's table",
          parsed <= {k for k in k_en}, "undocumented: %s" % sorted(parsed - set(k_en)))
    a_en = md_first_column(readme, r"annotation")
    a_zh = md_first_column(zh, r"annotation")
    a_man = [w for tag, _ in tp_items(secs.get("ANNOTATIONS", {}).get("", []))
             for w in tag_words(tag)]
    check("README.md names annotations", len(a_en) >= 3, a_en)
    check("README.md and README.zh.md name the same annotations", sorted(a_en) == sorted(a_zh),
          (a_en, a_zh))
    check("README.md and multus(8) name the same annotations", set(a_en) == set(a_man),
          (a_en, a_man))

    # 4. README.zh.md keeps in step with README.md: its sections and its commands.
    h_en, h_zh = md_headings(readme, 2), md_headings(zh, 2)
    check("README.zh.md has as many sections as README.md (%d)" % len(h_en),
          len(h_en) == len(h_zh), "\n".join(h_en) + "\n--\n" + "\n".join(h_zh))
    with open(zh, encoding="utf-8") as f:
        zh_text = f.read()
    for c in dict.fromkeys(md_commands(readme)):
        check("README.zh.md has the command: " + c, c in zh_text)
    check("README.zh.md is in Chinese", len(re.findall(r"[\u4e00-\u9fff]", zh_text)) > 500)


main()
print("docs: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
