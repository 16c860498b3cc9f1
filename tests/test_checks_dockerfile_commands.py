"""Checks of RUN/CMD/ENTRYPOINT scripts (infralint/checks/dockerfile/).

Each case is a Dockerfile and the lines where one rule must report (and nothing else). The rule
documents hold the main examples; these are the hard and the boundary cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from infralint.checks.dockerfile.df113 import _expand, _fixed_ref
from infralint.checks.dockerfile.df407 import _mode_grants_other_write
from infralint.fixes import apply_edits
from tests.helpers import run_check

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dockerfile_commands"


def lines(code: str, text: str) -> list[int]:
    return sorted(violation.span.line for violation in run_check(code, text))


CASES: list[tuple[str, str, str, list[int]]] = [
    # ---------------------------------------------------------------- DF111
    (
        "DF111",
        "curl-o-verified",
        "FROM a\nRUN curl -o /x.tgz https://e/x.tgz && sha256sum -c x.sha\n",
        [],
    ),
    ("DF111", "curl-O", "FROM a\nRUN curl -fsSLO https://e/x.tgz && tar xf x.tgz\n", [2]),
    ("DF111", "key-to-gpg", "FROM a\nRUN curl -fsSL https://e/key | gpg --dearmor -o /k.gpg\n", []),
    ("DF111", "key-apt-key", "FROM a\nRUN wget -qO - https://e/k.asc | apt-key add -\n", []),
    ("DF111", "key-url-name", "FROM a\nRUN curl -fsSLo /tmp/k https://e/linux/debian/gpg\n", []),
    ("DF111", "gpg-named-archive", "FROM a\nRUN wget https://e/libgpg-error-1.47.tar.bz2\n", [2]),
    ("DF111", "apache-keys", "FROM a\nRUN wget -O KEYS https://e/dist/KEYS\n", []),
    ("DF111", "wget-stdout-tar", "FROM a\nRUN wget -O- https://e/x.tgz | tar xz\n", [2]),
    ("DF111", "gunzip-chain", "FROM a\nRUN curl -sS https://e/x.gz | gunzip | tar x\n", [2]),
    ("DF111", "wget-default-file", "FROM a\nRUN wget -q https://e/x.zip\n", [2]),
    ("DF111", "wget-spider", "FROM a\nRUN wget --spider https://e/\n", []),
    ("DF111", "dev-stdout", "FROM a\nRUN curl -o /dev/stdout https://e/x | jq .\n", []),
    ("DF111", "dev-stdout-tar", "FROM a\nRUN wget -O /dev/stdout https://e/x | tar x\n", [2]),
    ("DF111", "dev-null", "FROM a\nRUN curl -o /dev/null https://e/x\n", []),
    ("DF111", "redirect", "FROM a\nRUN curl -sS https://e/x > /usr/bin/x\n", [2]),
    ("DF111", "tee-file", "FROM a\nRUN curl -sS https://e/x | tee /usr/bin/x >/dev/null\n", [2]),
    (
        "DF111",
        "tee-keyring",
        "FROM a\nRUN curl -sS https://e/k | tee /etc/apt/keyrings/k.asc\n",
        [],
    ),
    ("DF111", "stdout-filter", "FROM a\nRUN curl -sS https://e/v.json | jq -r .v\n", []),
    ("DF111", "pipe-to-shell-is-df112", "FROM a\nRUN curl -sS https://e/i.sh | sh\n", []),
    (
        "DF111",
        "openssl-compare",
        'FROM a\nRUN curl -O https://e/x.tgz && [ "$(openssl sha512 -r x.tgz)" = "$S" ]\n',
        [],
    ),
    ("DF111", "grep-compare", 'FROM a\nRUN wget https://e/x && sha256sum x | grep -q "$S"\n', []),
    ("DF111", "md5-not-enough", "FROM a\nRUN wget https://e/x && md5sum -c x.md5\n", [2]),
    ("DF111", "add-url", "FROM a\nADD https://e/x.tgz /x/\n", [2]),
    ("DF111", "add-checksum", "FROM a\nADD --checksum=sha256:0123 https://e/x.tgz /x/\n", []),
    ("DF111", "add-git-is-df113", "FROM a\nADD https://github.com/a/b.git#v1.2.3 /b\n", []),
    ("DF111", "add-local", "FROM a\nADD x.tgz /x/\n", []),
    ("DF111", "other-run-verifies", "FROM a\nRUN wget https://e/x\nRUN sha256sum -c x.sha\n", [2]),
    (
        "DF111",
        "heredoc-gpg-verify",
        "FROM a\nRUN <<EOF\nwget https://e/x.tgz\nwget https://e/x.tgz.asc\n"
        "gpg --batch --verify x.tgz.asc x.tgz\nEOF\n",
        [],
    ),
    ("DF111", "sudo-curl", "FROM a\nRUN sudo curl -o /x https://e/x\n", [2]),
    ("DF111", "onbuild", "FROM a\nONBUILD RUN curl -o /x https://e/x\n", [2]),
    # ---------------------------------------------------------------- DF112
    ("DF112", "python-c-data", "FROM a\nRUN curl -s https://e/j | python3 -c 'import sys'\n", []),
    ("DF112", "sh-s", "FROM a\nRUN curl -s https://e/i | sh -s -- -y\n", [2]),
    ("DF112", "bash-dash", "FROM a\nRUN wget -qO- https://e/i | sudo -E bash -\n", [2]),
    ("DF112", "wget-file-not-stdout", "FROM a\nRUN wget -O i.sh https://e/i | sh\n", []),
    ("DF112", "process-subst", "FROM a\nRUN bash <(curl -s https://e/i)\n", [2]),
    ("DF112", "source-subst", "FROM a\nRUN . <(curl -s https://e/i)\n", [2]),
    ("DF112", "command-subst", 'FROM a\nRUN sh -c "$(curl -fsSL https://e/i)"\n', [2]),
    ("DF112", "eval", 'FROM a\nRUN eval "$(wget -qO- https://e/i)"\n', [2]),
    ("DF112", "dev-stdin", "FROM a\nRUN curl -sSL https://e/i | bash /dev/stdin -v 1\n", [2]),
    ("DF112", "node", "FROM a\nRUN curl -s https://e/i.js | node\n", [2]),
    ("DF112", "node-script", "FROM a\nRUN curl -s https://e/d.json | node tool.js\n", []),
    ("DF112", "python-m", "FROM a\nRUN curl -s https://e/d.json | python3 -m json.tool\n", []),
    ("DF112", "perl-e", "FROM a\nRUN curl -s https://e/d | perl -ne 'print'\n", []),
    ("DF112", "cmd", "FROM a\nCMD curl -s https://e/i | sh\n", [2]),
    ("DF112", "multi-line", "FROM a\nRUN curl -s https://e/i \\\n  | bash\n", [2]),
    # ---------------------------------------------------------------- DF113
    ("DF113", "tag", "FROM a\nRUN git clone -b v1.2.3 https://e/r.git\n", []),
    ("DF113", "tag-long", "FROM a\nRUN git clone --branch=release-2.4 https://e/r.git\n", []),
    ("DF113", "major-only", "FROM a\nRUN git clone --branch v2 https://e/r.git\n", [2]),
    ("DF113", "no-branch", "FROM a\nRUN git clone --depth 1 https://e/r.git /r\n", [2]),
    (
        "DF113",
        "checkout-sha",
        "FROM a\nRUN git clone https://e/r.git /r && git -C /r checkout abc1234\n",
        [],
    ),
    (
        "DF113",
        "reset-hard",
        "FROM a\nRUN git clone https://e/r && cd r && git reset --hard 1.4.0\n",
        [],
    ),
    (
        "DF113",
        "fetch-sha",
        "FROM a\nRUN git clone https://e/r && git fetch origin 0a1b2c3d4e\n",
        [],
    ),
    ("DF113", "arg-tag", "FROM a\nARG V=v3.1.0\nRUN git clone -b $V https://e/r.git\n", []),
    ("DF113", "arg-branch", 'FROM a\nARG V=main\nRUN git clone -b "$V" https://e/r.git\n', [3]),
    ("DF113", "arg-unknown", "FROM a\nARG V\nRUN git clone -b $V https://e/r.git\n", []),
    ("DF113", "global-arg", "ARG V=dev\nFROM a\nARG V\nRUN git clone -b $V https://e/r.git\n", [4]),
    ("DF113", "default-op", "FROM a\nRUN git clone -b ${V:-master} https://e/r.git\n", [2]),
    (
        "DF113",
        "env-base-stage",
        "FROM a AS b\nENV R=2.0.1\nFROM b\nRUN git clone -b $R https://e/r\n",
        [],
    ),
    ("DF113", "add-git-no-ref", "FROM a\nADD https://github.com/a/b.git /b\n", [2]),
    ("DF113", "add-git-sha", "FROM a\nADD git@github.com:a/b.git#" + "a" * 40 + " /b\n", []),
    ("DF113", "add-git-short-sha", "FROM a\nADD https://github.com/a/b.git#abcdef1 /b\n", [2]),
    ("DF113", "add-git-subdir", "FROM a\nADD https://github.com/a/b.git#v1.0.0:docs /b\n", []),
    ("DF113", "add-git-checksum", "FROM a\nADD --checksum=abc https://github.com/a/b.git /b\n", []),
    ("DF113", "pip-git-tag", "FROM a\nRUN pip install git+https://github.com/a/b.git@v1.2.0\n", []),
    ("DF113", "pip-git-ssh", "FROM a\nRUN pip install git+ssh://git@github.com/a/b.git\n", [2]),
    ("DF113", "pip-pep508", "FROM a\nRUN pip install 'b @ git+https://github.com/a/b@main'\n", [2]),
    ("DF113", "python-m-pip", "FROM a\nRUN python3 -m pip install git+https://e/a/b.git\n", [2]),
    ("DF113", "npm-shorthand", "FROM a\nRUN npm install -g example/cli\n", [2]),
    ("DF113", "npm-scoped", "FROM a\nRUN npm install -g @scope/cli@1.2.3\n", []),
    ("DF113", "npm-semver-range", "FROM a\nRUN npm i github:a/b#semver:^1.2\n", [2]),
    ("DF113", "npm-semver-exact", "FROM a\nRUN yarn add github:a/b#semver:1.2.3\n", []),
    ("DF113", "npm-registry", "FROM a\nRUN npm install -g typescript@5.4.5\n", []),
    # ---------------------------------------------------------------- DF201
    ("DF201", "one-per-run", "FROM a\nRUN cd /a && cd /b\n", [2]),
    ("DF201", "subshell", "FROM a\nRUN (cd /a && make)\n", [2]),
    ("DF201", "onbuild-not-judged", "FROM a\nONBUILD RUN cd /a\n", []),
    ("DF201", "cd-word-in-echo", "FROM a\nRUN echo cd /a\n", []),
    # ---------------------------------------------------------------- DF203
    ("DF203", "enable", "FROM a\nRUN systemctl enable nginx && systemctl disable x\n", []),
    ("DF203", "path", "FROM a\nRUN /usr/sbin/service nginx start\n", [2]),
    ("DF203", "sudo", "FROM a\nRUN sudo service nginx start\n", [2]),
    ("DF203", "init-script-no-action", "FROM a\nRUN /etc/init.d/x --help\n", []),
    ("DF203", "invoke-rc", "FROM a\nRUN invoke-rc.d nginx restart\n", [2]),
    ("DF203", "onbuild", "FROM a\nONBUILD RUN kill 1\n", [2]),
    ("DF203", "cmd-not-judged", "FROM a\nCMD service nginx start\n", []),
    # ---------------------------------------------------------------- DF205
    (
        "DF205",
        "sh-pipefail-not-enough",
        'FROM a\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN a | b\n',
        [3],
    ),
    ("DF205", "ash", 'FROM a\nSHELL ["/bin/ash", "-eo", "pipefail", "-c"]\nRUN a | b\n', []),
    ("DF205", "zsh", 'FROM a\nSHELL ["zsh", "-o", "pipefail", "-c"]\nRUN a | b\n', []),
    ("DF205", "set-later", "FROM a\nRUN a | b; set -o pipefail\n", [2]),
    ("DF205", "set-euo", "FROM a\nRUN set -euo pipefail && a | b\n", []),
    ("DF205", "set-o-errexit", "FROM a\nRUN set -o errexit -o pipefail; a | b\n", []),
    ("DF205", "set-other-run", "FROM a\nRUN set -o pipefail\nRUN a | b\n", [3]),
    ("DF205", "pwsh", 'FROM a\nSHELL ["pwsh", "-Command"]\nRUN a | b\n', []),
    ("DF205", "exec-form", 'FROM a\nRUN ["bash", "-o", "pipefail", "-c", "a | b"]\n', []),
    ("DF205", "exec-form-sh", 'FROM a\nRUN ["sh", "-c", "a | b"]\n', [2]),
    ("DF205", "onbuild", "FROM a\nONBUILD RUN a | b\n", []),
    ("DF205", "pipe-and", "FROM a\nRUN a |& b\n", [2]),
    (
        "DF205",
        "new-stage-resets",
        'FROM a\nSHELL ["bash", "-o", "pipefail", "-c"]\nFROM b\nRUN a | b\n',
        [4],
    ),
    ("DF205", "no-pipe", "FROM a\nRUN a || b && c\n", []),
    ("DF205", "one-per-run", "FROM a\nRUN a | b && c | d\n", [2]),
    # ---------------------------------------------------------------- DF206
    ("DF206", "to-bin-sh", "FROM a\nRUN ln -sf bash /bin/sh\n", [2]),
    ("DF206", "from-bin-sh", "FROM a\nRUN ln -s /bin/sh /usr/local/bin/sh\n", []),
    ("DF206", "usr-bin-sh", "FROM a\nRUN ln -sfT /bin/dash /usr/bin/sh\n", [2]),
    ("DF206", "target-dir", "FROM a\nRUN ln -s -t /usr/local/bin /bin/sh\n", []),
    # ---------------------------------------------------------------- DF208
    ("DF208", "relative", "FROM a\nVOLUME /data\nWORKDIR /data\nRUN touch x\n", []),
    ("DF208", "before-volume", "FROM a\nRUN touch /data/x\nVOLUME /data\n", []),
    ("DF208", "prefix-boundary", "FROM a\nVOLUME /data\nRUN touch /data2/x /database\n", []),
    ("DF208", "redirect", 'FROM a\nVOLUME ["/data"]\nRUN echo x > /data/x\n', [3]),
    ("DF208", "cp-dest", "FROM a\nVOLUME /data\nRUN cp /data/a /tmp/b && cp /tmp/b /data/\n", [3]),
    ("DF208", "tar-extract", "FROM a\nVOLUME /srv\nRUN tar -xzf x.tgz -C /srv\n", [3]),
    ("DF208", "tar-create", "FROM a\nVOLUME /srv\nRUN tar -czf /tmp/x.tgz -C /srv .\n", []),
    ("DF208", "other-stage", "FROM a AS x\nVOLUME /data\nFROM a\nRUN touch /data/x\n", []),
    ("DF208", "root-volume", "FROM a\nVOLUME /\nRUN touch /x\n", [3]),
    ("DF208", "nested", "FROM a\nVOLUME /srv/data\nRUN mkdir /srv/other /srv/data/x\n", [3]),
    ("DF208", "grandparent", "FROM a AS x\nVOLUME /d\nFROM x AS y\nFROM y\nRUN rm -rf /d/*\n", [5]),
    ("DF208", "variable", "FROM a\nVOLUME /data\nRUN touch $DATA/x\n", []),
    # ---------------------------------------------------------------- DF209
    ("DF209", "cp", "FROM a\nRUN cp /tmp/hosts /etc/hosts\n", [2]),
    ("DF209", "ln", "FROM a\nRUN ln -sf /run/resolv.conf /etc/resolv.conf\n", [2]),
    ("DF209", "rm", "FROM a\nRUN rm -f /etc/hostname\n", [2]),
    ("DF209", "read", "FROM a\nRUN grep x /etc/hosts > /tmp/h && cp /etc/hosts /tmp/\n", []),
    ("DF209", "other-etc", "FROM a\nRUN echo x >> /etc/hosts.allow\n", []),
    # ---------------------------------------------------------------- DF301
    ("DF301", "dup-only", "FROM a\nCMD app 2>&1\n", []),
    ("DF301", "to-stderr", "FROM a\nCMD app >&2\n", []),
    ("DF301", "envsubst", "FROM a\nCMD envsubst < t > /etc/x.conf && exec app\n", []),
    ("DF301", "setup-log", "FROM a\nCMD init > /tmp/init.out && exec app\n", [2]),
    ("DF301", "main-file", "FROM a\nCMD exec app > /srv/output\n", [2]),
    ("DF301", "stderr-file", "FROM a\nCMD app 2>/srv/errors\n", [2]),
    ("DF301", "amp-file", "FROM a\nCMD app &> /srv/all\n", [2]),
    ("DF301", "dev-stdout", "FROM a\nCMD app > /dev/stdout 2>/proc/self/fd/2\n", []),
    ("DF301", "exec-redirect-shell", "FROM a\nCMD exec >/srv/out 2>&1; app\n", [2]),
    ("DF301", "tee", "FROM a\nCMD app | tee /srv/copy\n", [2]),
    ("DF301", "tee-stream", "FROM a\nCMD app | tee /dev/stderr\n", []),
    ("DF301", "nohup", "FROM a\nCMD nohup app\n", [2]),
    ("DF301", "nohup-redirected", "FROM a\nCMD nohup app > /dev/stdout\n", []),
    ("DF301", "background", "FROM a\nCMD worker > /srv/w & exec app\n", [2]),
    ("DF301", "exec-form-plain", 'FROM a\nCMD ["app", ">", "/var/log/x.log"]\n', []),
    ("DF301", "run-not-judged", "FROM a\nRUN app > /var/log/x.log\n", []),
    (
        "DF301",
        "entrypoint-bash-c",
        'FROM a\nENTRYPOINT ["bash", "-c", "app >> /var/log/app"]\n',
        [2],
    ),
    # ---------------------------------------------------------------- DF302
    ("DF302", "exec-tail", 'FROM a\nENTRYPOINT ["tini", "--", "tail", "-F", "/x"]\n', [2]),
    ("DF302", "sleep-inf-exec", 'FROM a\nCMD ["sleep", "infinity"]\n', [2]),
    (
        "DF302",
        "exec-wrapper-values",
        'FROM a\nCMD ["/sbin/tini", "-e", "143", "--", "gosu", "app", "sleep", "infinity"]\n',
        [2],
    ),
    (
        "DF302",
        "exec-env-options",
        'FROM a\nCMD ["env", "-u", "X", "A=1", "tail", "-f", "/x"]\n',
        [2],
    ),
    ("DF302", "exec-wrapper-only", 'FROM a\nCMD ["tini", "--"]\n', []),
    ("DF302", "tail-n", 'FROM a\nCMD ["tail", "-n", "5", "/x"]\n', []),
    ("DF302", "tail-n-follow", "FROM a\nCMD tail -n 0 -f /x\n", [2]),
    ("DF302", "while-colon", "FROM a\nCMD while :; do sleep 1; done\n", [2]),
    ("DF302", "until-false", "FROM a\nCMD until false; do x; done\n", [2]),
    ("DF302", "while-condition", "FROM a\nCMD while pgrep app; do sleep 5; done\n", []),
    ("DF302", "systemctl", "FROM a\nCMD systemctl start x && exec y\n", [2]),
    ("DF302", "init-d", "FROM a\nCMD /etc/init.d/x start; exec y\n", [2]),
    ("DF302", "run-not-judged", "FROM a\nRUN sleep infinity\n", []),
    ("DF302", "subst-background", "FROM a\nCMD exec app --pid $(cat /p)\n", []),
    # ---------------------------------------------------------------- DF303
    ("DF303", "catalog", "FROM a\nENV CATALOG_FILE=/etc/cat.xml\n", []),
    ("DF303", "data-log", "FROM a\nENV ZOO_DATA_LOG_DIR=/datalog\n", []),
    ("DF303", "error-log-path", "FROM a\nENV NGINX_ERROR_LOG_PATH=/var/log/e\n", [2]),
    ("DF303", "lower-case", "FROM a\nARG app_logfile=app.log\n", [2]),
    ("DF303", "arg-no-default", "FROM a\nARG LOG_FILE\n", []),
    ("DF303", "legacy-env", "FROM a\nENV LOG_DIR /srv/logs\n", [2]),
    ("DF303", "stream", "FROM a\nENV LOG_FILE=/dev/stderr LOG_PATH=-\n", []),
    ("DF303", "shell-flag", "FROM a\nCMD exec app --log-file /srv/app.log\n", [2]),
    ("DF303", "go-flag", 'FROM a\nCMD ["app", "-log_dir=/tmp/logs"]\n', [2]),
    ("DF303", "flag-dash", 'FROM a\nCMD ["gunicorn", "--error-logfile", "-"]\n', []),
    ("DF303", "flag-last", 'FROM a\nCMD ["app", "--log-file"]\n', []),
    # ---------------------------------------------------------------- DF304
    ("DF304", "healthcheck", "FROM a\nHEALTHCHECK CMD curl -f localhost\n", []),
    ("DF304", "onbuild", "FROM a\nONBUILD CMD app\n", []),
    ("DF304", "both", "FROM a\nENTRYPOINT app\nCMD run --flag\n", [2, 3]),
    ("DF304", "exec-sh-c", 'FROM a\nCMD ["sh", "-c", "app"]\n', []),
    # ---------------------------------------------------------------- DF305
    ("DF305", "empty-value", 'FROM a\nENV PYTHONUNBUFFERED=""\nCMD ["python", "x.py"]\n', [3]),
    ("DF305", "zero-value", 'FROM a\nENV PYTHONUNBUFFERED=0\nCMD ["python", "x.py"]\n', []),
    ("DF305", "u-combined", 'FROM a\nCMD ["python3", "-Bu", "x.py"]\n', []),
    (
        "DF305",
        "exec-env-sets-it",
        'FROM a\nENTRYPOINT ["tini", "--", "env", "PYTHONUNBUFFERED=1", "python", "x.py"]\n',
        [],
    ),
    ("DF305", "exec-gosu", 'FROM a\nCMD ["gosu", "app", "python", "x.py"]\n', [2]),
    ("DF405", "env-assignment", "FROM a\nRUN env NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci\n", [2]),
    ("DF405", "env-assignment-on", "FROM a\nRUN env NODE_TLS_REJECT_UNAUTHORIZED=1 npm ci\n", []),
    ("DF111", "md5-is-weak", "FROM a\nRUN wget https://e/x.tgz && md5sum -c x.md5\n", [2]),
    ("DF111", "wget-spider", "FROM a\nRUN wget -q --spider https://e/x.tgz\n", []),
    ("DF111", "wget-P-key", "FROM a\nRUN wget -P /etc/apt/keyrings/ https://e/x.tgz\n", []),
    ("DF111", "curl-dev-stdout-tar", "FROM a\nRUN curl -o /dev/stdout https://e/x | tar x\n", [2]),
    ("DF305", "u-after-x", 'FROM a\nCMD ["python3", "-X", "dev", "-u", "x.py"]\n', []),
    ("DF305", "u-in-x-value", 'FROM a\nCMD ["python3", "-Xutf8", "x.py"]\n', [2]),
    ("DF305", "u-after-script", 'FROM a\nCMD ["python3", "x.py", "-u"]\n', [2]),
    ("DF305", "u-after-m", 'FROM a\nCMD ["python3", "-m", "app", "-u"]\n', [2]),
    ("DF305", "versioned", "FROM a\nCMD exec /usr/bin/python3.11 app.py\n", [2]),
    ("DF305", "uv-run", 'FROM a\nCMD ["uv", "run", "python", "app.py"]\n', [2]),
    ("DF305", "env-wrapper", 'FROM a\nCMD ["env", "PYTHONUNBUFFERED=1", "python", "a.py"]\n', []),
    ("DF305", "env-command", "FROM a\nCMD env PYTHONUNBUFFERED=1 python a.py\n", []),
    ("DF305", "repl", 'FROM a\nCMD ["python3"]\n', []),
    ("DF305", "not-python", 'FROM a\nCMD ["node", "x.js"]\n', []),
    ("DF305", "no-cmd", "FROM a\nRUN python -V\n", []),
    ("DF305", "builder", 'FROM a AS b\nCMD ["python", "x"]\nFROM c\nCMD ["app"]\n', []),
    ("DF305", "inherited-cmd", 'FROM a AS b\nCMD ["celery", "worker"]\nFROM b\nRUN x\n', [2]),
    (
        "DF305",
        "entrypoint-resets-inherited-cmd",
        'FROM a AS b\nCMD ["python", "x"]\nFROM b\nENTRYPOINT ["./run"]\n',
        [],
    ),
    (
        "DF305",
        "entrypoint-and-cmd",
        'FROM a\nENTRYPOINT ["tini", "--"]\nCMD ["gunicorn", "a"]\n',
        [3],
    ),
    ("DF305", "shell-entrypoint-ignores-cmd", 'FROM a\nENTRYPOINT ./run\nCMD ["python"]\n', []),
    # ---------------------------------------------------------------- DF308
    ("DF308", "combined-q", "FROM a\nRUN wget -qO- https://e/x\n", []),
    ("DF308", "output-file", "FROM a\nRUN wget -o /tmp/log https://e/x\n", []),
    ("DF308", "value-is-not-q", "FROM a\nRUN wget -Ofile.qa https://e/x\n", [2]),
    ("DF308", "sudo", "FROM a\nRUN sudo /usr/bin/wget https://e/x\n", [2]),
    ("DF308", "onbuild", "FROM a\nONBUILD RUN wget https://e/x\n", [2]),
    ("DF308", "cmd-not-judged", "FROM a\nCMD wget https://e/x\n", []),
    # ---------------------------------------------------------------- DF403
    ("DF403", "client", "FROM a\nRUN apt-get install -y openssh-client\n", []),
    ("DF403", "yum", "FROM a\nRUN yum install -y openssh-server-8.0p1\n", [2]),
    ("DF403", "apk-openssh", "FROM a\nRUN apk add --no-cache openssh\n", [2]),
    ("DF403", "apt-openssh-meta", "FROM a\nRUN apt-get install -y openssh\n", []),
    ("DF403", "dropbear", "FROM a\nRUN apk add dropbear\n", [2]),
    ("DF403", "service-ssh", "FROM a\nCMD service ssh start && tail -f /dev/null\n", [2]),
    ("DF403", "sshd-shell", "FROM a\nCMD /usr/sbin/sshd -D\n", [2]),
    ("DF403", "expose", "FROM a\nEXPOSE 80 22/tcp 2222\n", [2]),
    ("DF403", "ssh-keygen", "FROM a\nRUN ssh-keygen -A\n", []),
    # ---------------------------------------------------------------- DF405
    ("DF405", "curl-cluster", "FROM a\nRUN curl -fsSLk https://e/x\n", [2]),
    ("DF405", "curl-o-k-value", "FROM a\nRUN curl -o k https://e/x\n", []),
    ("DF405", "git-c", "FROM a\nRUN git -c http.sslVerify=false clone https://e/r\n", [2]),
    ("DF405", "git-config", "FROM a\nRUN git config --global http.sslverify false\n", [2]),
    ("DF405", "export", "FROM a\nRUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && npm ci\n", [2]),
    ("DF405", "env-wrapper", "FROM a\nRUN env PYTHONHTTPSVERIFY=0 python x.py\n", [2]),
    ("DF405", "arg", "FROM a\nARG PIP_TRUSTED_HOST=pypi.example.com\n", [2]),
    ("DF405", "arg-no-default", "FROM a\nARG PIP_TRUSTED_HOST\n", []),
    (
        "DF405",
        "apt-option",
        "FROM a\nRUN apt-get -o Acquire::https::Verify-Peer=false update\n",
        [2],
    ),
    ("DF405", "force-yes", "FROM a\nRUN apt-get install -y --force-yes x\n", [2]),
    ("DF405", "rpm", "FROM a\nRUN rpm -i --nosignature x.rpm\n", [2]),
    ("DF405", "zypper", "FROM a\nRUN zypper --no-gpg-checks in -y x\n", [2]),
    ("DF405", "python-pip", "FROM a\nRUN python3 -m pip install --trusted-host=h x\n", [2]),
    (
        "DF405",
        "apt-trusted-yes",
        'FROM a\nRUN echo "deb [trusted=yes] http://r/ ./" > /etc/apt/x.list\n',
        [2],
    ),
    (
        "DF405",
        "apt-local-repo",
        'FROM a\nRUN echo "deb [ trusted=yes ] file://$d ./" > /x.list\n',
        [],
    ),
    ("DF405", "apt-signed-by", 'FROM a\nRUN echo "deb [signed-by=/k.gpg] http://r/ ./" > /x\n', []),
    ("DF405", "npmrc", "FROM a\nRUN echo 'strict-ssl=false' >> ~/.npmrc\n", [2]),
    (
        "DF405",
        "yum-setopt",
        "FROM a\nRUN yum-config-manager --save --setopt=sslverify=false\n",
        [2],
    ),
    ("DF405", "yarn-berry", "FROM a\nRUN yarn config set enableStrictSsl false\n", [2]),
    ("DF405", "pip-config", "FROM a\nRUN pip config set global.trusted-host pypi.internal\n", [2]),
    ("DF405", "npm-on", "FROM a\nRUN npm config set strict-ssl true\n", []),
    ("DF405", "git-ssl-empty", "FROM a\nENV GIT_SSL_NO_VERIFY=\n", []),
    # ---------------------------------------------------------------- DF407
    ("DF407", "sticky", "FROM a\nRUN chmod 1777 /tmp && chmod 3777 /shared\n", []),
    ("DF407", "setgid-not-sticky", "FROM a\nRUN chmod 2777 /x\n", [2]),
    ("DF407", "666", "FROM a\nRUN chmod -R 0666 /x\n", [2]),
    ("DF407", "775", "FROM a\nRUN chmod 775 /x && chmod 0644 /y\n", []),
    ("DF407", "plus-w", "FROM a\nRUN chmod +w /x && chmod =rwx /y\n", []),
    ("DF407", "ugo", "FROM a\nRUN chmod ugo=rwx /x\n", [2]),
    ("DF407", "go-w", "FROM a\nRUN chmod go+w /x\n", [2]),
    ("DF407", "reference", "FROM a\nRUN chmod --reference=/a /x\n", []),
    ("DF407", "install-m", "FROM a\nRUN install -m 777 a /usr/bin/a\n", [2]),
    ("DF407", "mkdir-mode", "FROM a\nRUN mkdir --mode=0777 /x\n", [2]),
    ("DF407", "add-chmod", "FROM a\nADD --chmod=777 a /a\n", [2]),
    ("DF407", "copy-sticky", "FROM a\nCOPY --chmod=1777 a /a\n", []),
    ("DF407", "variable-mode", "FROM a\nRUN chmod $MODE /x\n", []),
    # ---------------------------------------------------------------- DF408
    ("DF408", "env-sudo", "FROM a\nRUN env -i sudo ls\n", [2]),
    ("DF408", "install-sudo", "FROM a\nRUN apt-get install -y sudo && visudo -c\n", []),
    ("DF408", "onbuild", "FROM a\nONBUILD RUN sudo ls\n", [2]),
    ("DF408", "cmd-not-judged", "FROM a\nCMD sudo -u app ./run\n", []),
    # ---------------------------------------------------------------- DF515
    ("DF515", "same-run", "FROM a\nRUN curl -o /a https://e/a && wget https://e/b\n", [2]),
    (
        "DF515",
        "onbuild-separate",
        "FROM a\nRUN curl https://e/a\nONBUILD RUN wget https://e/b\n",
        [],
    ),
    ("DF515", "once-per-stage", "FROM a\nRUN curl x\nRUN wget y\nRUN wget z && curl w\n", [3]),
    ("DF515", "which", "FROM a\nRUN command -v wget && curl https://e/a\n", []),
    # ---------------------------------------------------------------- DF516
    ("DF516", "small", "FROM a\nRUN useradd -u 99999 app\n", []),
    ("DF516", "cluster", "FROM a\nRUN useradd -mu 100000 app\n", [2]),
    ("DF516", "variable", "FROM a\nRUN useradd -u ${UID} app\n", []),
    ("DF516", "no-log-init", "FROM a\nRUN useradd --no-log-init -u 100000 app\n", []),
    ("DF516", "sudo", "FROM a\nRUN sudo useradd -u 5000000 app\n", [2]),
]


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        pytest.param(code, text, expected, id=f"{code}-{name}")
        for code, name, text, expected in CASES
    ],
)
def test_case(code: str, text: str, expected: list[int]) -> None:
    found = run_check(code, text)
    assert sorted(v.span.line for v in found) == expected, [v.message for v in found]


# ------------------------------------------------------------------------------ positions


def test_df111_points_at_the_download_in_a_long_run() -> None:
    text = "FROM a\nRUN set -eux; \\\n    apk add curl; \\\n    curl -fsSLo /x https://e/x\n"
    (violation,) = run_check("DF111", text)
    assert (violation.span.line, violation.span.column) == (4, 5)
    assert "'https://e/x'" in violation.message and "'/x'" in violation.message


def test_df113_points_at_the_branch_value() -> None:
    text = "FROM a\nRUN git clone \\\n      --branch develop https://e/r.git\n"
    (violation,) = run_check("DF113", text)
    assert (violation.span.line, violation.span.column) == (3, 16)
    assert "'develop'" in violation.message


def test_df201_points_into_heredoc() -> None:
    text = "FROM a\nRUN <<EOF\nset -e\n  cd /src\nEOF\n"
    (violation,) = run_check("DF201", text)
    assert (violation.span.line, violation.span.column) == (4, 3)


def test_df301_points_at_the_redirect_in_exec_form() -> None:
    text = 'FROM a\nCMD ["sh", "-c", "app >> /var/log/app.log"]\n'
    (violation,) = run_check("DF301", text)
    assert violation.span.column == text.splitlines()[1].index(">>") + 1
    assert "'/var/log/app.log'" in violation.message


def test_df305_points_at_the_python_word_of_the_entrypoint() -> None:
    text = 'FROM a\nENTRYPOINT ["/usr/local/bin/python3.12"]\nCMD ["-m", "app"]\n'
    (violation,) = run_check("DF305", text)
    assert violation.span.line == 2 and "'python3.12'" in violation.message


# ------------------------------------------------------------------------------ messages, fixes


def test_df304_suggests_the_json_form_for_a_simple_command() -> None:
    (violation,) = run_check("DF304", "FROM a\nCMD node server.js --port 80\n")
    assert 'CMD ["node", "server.js", "--port", "80"]' in violation.message


def test_df304_suggests_exec_for_shell_syntax() -> None:
    (violation,) = run_check("DF304", "FROM a\nCMD envsubst < a > b && nginx\n")
    assert "exec" in violation.message and "[" in violation.message


def _fixed(code: str, text: str) -> tuple[str, bool] | None:
    """The text after the first finding's fix, and whether that fix is safe; None: no fix."""
    fixes = [violation.fix for violation in run_check(code, text) if violation.fix is not None]
    if not fixes:
        return None
    return apply_edits(text, fixes[:1])[0], fixes[0].safe


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # scratch has no ENTRYPOINT: the CMD words become the whole command line
        (
            "FROM scratch\nCMD /app --port 80\n",
            ('FROM scratch\nCMD ["/app", "--port", "80"]\n', True),
        ),
        (
            "FROM a AS b\nENTRYPOINT []\nFROM b\nCMD app\n",
            ('FROM a AS b\nENTRYPOINT []\nFROM b\nCMD ["app"]\n', True),
        ),
        # `exec` is dropped; quotes that change nothing are removed
        ('FROM scratch\nCMD exec /app "x"\n', ('FROM scratch\nCMD ["/app", "x"]\n', True)),
        # an image from elsewhere may have an ENTRYPOINT that reads "$1"
        ("FROM redis:7\nCMD redis-server\n", ('FROM redis:7\nCMD ["redis-server"]\n', False)),
        (
            'FROM scratch\nENTRYPOINT ["/init"]\nCMD app\n',
            ('FROM scratch\nENTRYPOINT ["/init"]\nCMD ["app"]\n', False),
        ),
        # a shell-form ENTRYPOINT would receive CMD and `docker run` arguments
        ("FROM scratch\nENTRYPOINT /app\n", ('FROM scratch\nENTRYPOINT ["/app"]\n', False)),
        # another SHELL (a login shell sets PATH) is not kept
        (
            'FROM scratch\nSHELL ["/bin/bash", "-lc"]\nCMD app\n',
            ('FROM scratch\nSHELL ["/bin/bash", "-lc"]\nCMD ["app"]\n', False),
        ),
        # no fix: shell syntax, expansions, globs, meaningful quotes, builtins, several lines
        ("FROM scratch\nCMD app > /log\n", None),
        ("FROM scratch\nCMD app $PORT\n", None),
        ("FROM scratch\nCMD app *.conf\n", None),
        ("FROM scratch\nCMD nginx -g 'daemon off;'\n", None),
        ("FROM scratch\nCMD cd /app\n", None),
        ("FROM scratch\nCMD exec -a x app\n", None),
        ("FROM scratch\nCMD app \\\n  --x\n", None),
        ("FROM scratch\nCMD A=1 app\n", None),
    ],
)
def test_df304_fix(text: str, expected: tuple[str, bool] | None) -> None:
    assert _fixed("DF304", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a later absolute WORKDIR replaces the new one before anything uses it: safe
        (
            "FROM a\nRUN cd /tmp && make\nENV A=1\nCOPY x /etc/x\nWORKDIR /app\nRUN b\n",
            ("FROM a\nWORKDIR /tmp\nRUN make\nENV A=1\nCOPY x /etc/x\nWORKDIR /app\nRUN b\n", True),
        ),
        (
            "FROM a\n  RUN --mount=type=cache,target=/c cd /src \\\n"
            "  && make \\\n  && make install\nWORKDIR /\n",
            (
                "FROM a\n  WORKDIR /src\n  RUN --mount=type=cache,target=/c make \\\n"
                "  && make install\nWORKDIR /\n",
                True,
            ),
        ),
        (
            "FROM a\nRUN cd /src && \\\n    make\nWORKDIR /\n",
            ("FROM a\nWORKDIR /src\nRUN make\nWORKDIR /\n", True),
        ),
        # the WORKDIR stays in effect for what follows: unsafe
        ("FROM a\nRUN cd /app && npm ci\n", ("FROM a\nWORKDIR /app\nRUN npm ci\n", False)),
        (
            "FROM a\nRUN cd /app && x\nRUN y\nWORKDIR /\n",
            ("FROM a\nWORKDIR /app\nRUN x\nRUN y\nWORKDIR /\n", False),
        ),
        (
            "FROM a\nRUN cd /app && x\nCOPY y .\nWORKDIR /\n",
            ("FROM a\nWORKDIR /app\nRUN x\nCOPY y .\nWORKDIR /\n", False),
        ),
        (
            "FROM a\nRUN cd /app && x\nWORKDIR sub\n",
            ("FROM a\nWORKDIR /app\nRUN x\nWORKDIR sub\n", False),
        ),
        # no fix
        ("FROM a\nRUN cd app && make\nWORKDIR /\n", None),
        ("FROM a\nRUN cd $HOME && make\nWORKDIR /\n", None),
        ('FROM a\nRUN cd "/my dir" && make\nWORKDIR /\n', None),
        ("FROM a\nRUN cd /x; make\nWORKDIR /\n", None),
        ("FROM a\nRUN cd /x\n", None),
        ("FROM a\nRUN make && cd /x && make\nWORKDIR /\n", None),
        ("FROM a\nRUN cd /x && make && cd /y && make\nWORKDIR /\n", None),
        ("FROM a\nRUN cd /x && make && cd - && ls\nWORKDIR /\n", None),
        ('FROM a\nRUN cd /x && cp a "$OLDPWD"\nWORKDIR /\n', None),
        ("FROM a\nRUN cd /opt/x && rm -rf cache || true\nWORKDIR /\n", None),
        ("FROM a\nRUN (cd /x && make) && make install\nWORKDIR /\n", None),
        ("FROM a\nRUN cd /x && { make; make install; }\nWORKDIR /\n", None),
        ("FROM a\nRUN cd /x \\\n# note\n && make\nWORKDIR /\n", None),
        ('FROM a\nRUN ["sh", "-c", "cd /x && make"]\nWORKDIR /\n', None),
        ("FROM a\nRUN cd -P /x && make\nWORKDIR /\n", None),
    ],
)
def test_df201_fix(text: str, expected: tuple[str, bool] | None) -> None:
    assert _fixed("DF201", text) == expected


def test_df516_fix_inserts_l_after_useradd() -> None:
    text = "FROM a\nRUN useradd -u 1000001 -m app\n"
    (violation,) = run_check("DF516", text)
    assert violation.fix is not None and violation.fix.safe
    line = text.splitlines()[violation.fix.span.line - 1]
    start, end = violation.fix.span.column - 1, violation.fix.span.end_column - 1
    fixed = line[:start] + violation.fix.replacement + line[end:]
    assert fixed == "RUN useradd -l -u 1000001 -m app"
    assert run_check("DF516", "FROM a\n" + fixed + "\n") == []


def test_df515_names_both_lines() -> None:
    (violation,) = run_check("DF515", "FROM a\nRUN wget x\nRUN true\nRUN curl y\n")
    assert "line 4" in violation.message and "line 2" in violation.message


def test_messages_name_the_offending_thing() -> None:
    assert (
        "'openssh-server'"
        in run_check("DF403", "FROM a\nRUN apt-get install -y openssh-server\n")[0].message
    )
    assert (
        "'systemctl restart x'"
        in run_check("DF203", "FROM a\nRUN systemctl restart x\n")[0].message
    )
    assert "'/etc/hosts'" not in run_check("DF209", "FROM a\nRUN echo >> /etc/hosts\n")[0].message
    assert "/etc/hosts" in run_check("DF209", "FROM a\nRUN echo >> /etc/hosts\n")[0].message
    assert "chmod 777 '/x'" in run_check("DF407", "FROM a\nRUN chmod 777 /x\n")[0].message


# ------------------------------------------------------------------------------ helpers


@pytest.mark.parametrize(
    ("mode", "grants"),
    [
        ("777", True),
        ("0757", True),
        ("1777", False),
        ("0755", False),
        ("o+w", True),
        ("a+rwX", True),
        ("u+w,o+rw", True),
        ("a+rwxt", False),
        ("+w", False),
        ("o-w", False),
        ("u=rwx,g=rx,o=", False),
        ("bogus", False),
    ],
)
def test_mode_grants_other_write(mode: str, grants: bool) -> None:
    assert _mode_grants_other_write(mode) is grants


@pytest.mark.parametrize(
    ("ref", "fixed"),
    [
        ("v1.2.3", True),
        ("1.25", True),
        ("REL_16_1", True),
        ("curl-8_5_0", True),
        ("3b1f0c2", True),
        ("main", False),
        ("v2", False),
        ("feature-x", False),
        ("deadbeef1234", True),
        ("acceded", False),
        ("a" * 40, True),
        (None, True),
    ],
)
def test_fixed_ref(ref: str | None, fixed: bool) -> None:
    assert _fixed_ref(ref) is fixed


def test_expand_variables() -> None:
    assert _expand("${A}-${B:-x}-$C", {"A": "1", "C": "3"}) == "1-x-3"
    assert _expand("$MISSING", {}) is None
    assert _expand("$(date)", {}) is None


# ------------------------------------------------------------------------------ fixtures

CODES = sorted({code for code, _, _, _ in CASES})


def test_fixture_realistic_images() -> None:
    """A few longer Dockerfiles with the expected findings of every rule of this module."""
    for path in sorted(FIXTURES.glob("*.Dockerfile")):
        text = path.read_text(encoding="utf-8")
        expected = sorted(
            (code.strip(), number + 1)
            for number, line in enumerate(text.splitlines(), 1)
            if line.lstrip().startswith("# expect:")
            for code in line.split(":", 1)[1].split(",")
        )
        actual = sorted(
            (code, violation.span.line) for code in CODES for violation in run_check(code, text)
        )
        assert actual == expected, path.name


def test_df304_unsafe_fix_for_a_plain_command() -> None:
    text = "FROM a\nCMD node server.js --port 80\n"
    (violation,) = run_check("DF304", text)
    assert violation.fix is not None and not violation.fix.safe
    line = text.splitlines()[1]
    span = violation.fix.span
    fixed = line[: span.column - 1] + violation.fix.replacement + line[span.end_column - 1 :]
    assert fixed == 'CMD ["node", "server.js", "--port", "80"]'
    assert run_check("DF304", "FROM a\n" + fixed + "\n") == []


@pytest.mark.parametrize(
    "value",
    [
        "node $APP",
        "node 'a b' > /x",
        "a && b",
        "node *.js",
        "node x &",
        "A=1 node x",
        "node \\\n x",
    ],
)
def test_df304_no_fix_when_the_shell_matters(value: str) -> None:
    (violation,) = run_check("DF304", f"FROM a\nCMD {value}\n")
    assert violation.fix is None
