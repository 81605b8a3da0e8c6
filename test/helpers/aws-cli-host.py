# The real aws CLI (Debian's awscli 2.9, the code /usr/bin/aws runs) kept loaded between commands, so a
# test pays Python's start and awscli's imports (~0.3 s of CPU of a ~0.5 s command) once per test file
# instead of once per command. Each request is a fresh AWSCLIEntryPoint().main(args), exactly what
# /usr/bin/aws does, with the request's environment in place of os.environ and stdout/stderr captured.
# Printed commands are not run here: they go through bash to /usr/bin/aws (test/helpers/printed-command.ts).
#
# Protocol: one JSON request per stdin line, {"args": [...], "env": {...}, "cwd": "..."}; one JSON answer per
# stdout line, {"exitCode": n, "stdout": "...", "stderr": "..."}.
import io
import json
import os
import sys

if os.environ.get('LC_CTYPE', '') == 'UTF-8':
    os.environ['LC_CTYPE'] = 'en_US.UTF-8'
import awscli.clidriver  # noqa: E402

# Importing awscli adds its own data directory to AWS_DATA_PATH; a fresh process would do it each time.
awscli_data_path = os.environ['AWS_DATA_PATH']

answers = sys.stdout
requests = sys.stdin


def run(args, env, cwd):
    os.environ.clear()
    os.environ.update(env)
    if 'AWS_DATA_PATH' not in env:
        os.environ['AWS_DATA_PATH'] = awscli_data_path
    os.chdir(cwd)
    out, err = io.BytesIO(), io.BytesIO()
    sys.stdout = io.TextIOWrapper(out, encoding='utf-8', write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding='utf-8', errors='backslashreplace', write_through=True)
    try:
        code = awscli.clidriver.AWSCLIEntryPoint().main(args)
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        printed = {'stdout': out.getvalue().decode('utf-8', 'replace'), 'stderr': err.getvalue().decode('utf-8', 'replace')}
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    return {'exitCode': code or 0, **printed}


for line in requests:
    request = json.loads(line)
    answers.write(json.dumps(run(request['args'], request['env'], request['cwd'])) + '\n')
    answers.flush()
