/// The `lem` command line, declared with Argu. Every command has --help.
module Lem.Cli.Arguments

open Argu

/// Where `lem run --on` sends the planned runs.
type Scheduler =
    | Slurm

type RunArgs =
    | [<MainCommand; ExactlyOnce>] Script of file: string
    | [<CustomCommandLine("--set")>] Override of assignment: string
    | Dry_Run
    | Fresh
    | Results of folder: string
    | Max_Runs of runs: int
    | Only of key: string
    | Keys
    | On of scheduler: Scheduler
    | Lem_Command of command: string
    | Cold_Start
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Max_Runs _ -> "the most runs a sweep, a campaign or a run statement may expand to (default 10000); larger ones are refused before anything is expanded."
            | Script _ -> "the .lem script to run, statement by statement."
            | Override _ -> "override a parameter of every experiment, PATH=VALUE (for example --set batching.batch_size=8); repeatable."
            | Dry_Run -> "check and plan the runs, print what would run (each planned run's key first), run nothing."
            | Fresh -> "run everything again instead of skipping runs that a previous invocation completed."
            | Results _ -> "results folder (default: each experiment's results.dir, normally ./results)."
            | Keys -> "print the key of every planned run, one per line in run order (what --only takes), and run nothing."
            | Cold_Start -> "run every planned run in a fresh lem process, as campaign cold_start = true does (with --only: this process is one, and its record says cold_start)."
            | Only _ -> "run only the planned run KEY (as --dry-run lists it, e.g. 'grid[batching.batch_size=8]#cycle2'), under its claim, beside other tasks in the same results folder; analyze and show statements are skipped."
            | On _ -> "slurm: submit the planned runs that are not complete (nor queued or running) as one SLURM job array per run statement, one task per run (lem run FILE --only KEY), and return; with --dry-run print the sbatch script instead (docs/scale-out.md)."
            | Lem_Command _ -> "with --on slurm: the shell words that start lem on the compute nodes (default: this lem, $LEM_SLURM_COMMAND where set), e.g. '/shared/lem/lem' or 'dotnet /shared/lem/lem.dll'."

type StatusArgs =
    | [<MainCommand; ExactlyOnce>] Script of file: string
    | [<CustomCommandLine("--set")>] Override of assignment: string
    | Results of folder: string
    | Max_Runs of runs: int
    | Json
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Json -> "write the states as one JSON object on stdout (statements, their runs with key, state, run id, SLURM task and detail; notes) instead of the table."
            | Script _ -> "the .lem script whose planned runs to show (give the --set and --results that lem run was given)."
            | Override _ -> "override a parameter, PATH=VALUE, as given to lem run (it changes which runs are complete); repeatable."
            | Results _ -> "results folder, as given to lem run (default: each experiment's results.dir)."
            | Max_Runs _ -> "the most runs a sweep, a campaign or a run statement may expand to (default 10000)."

type CheckArgs =
    | [<MainCommand; ExactlyOnce>] Script of file: string
    | Max_Runs of runs: int
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Script _ -> "the .lem script (or original LLenergyMeasure YAML) to check."
            | Max_Runs _ -> "the most runs a sweep, a campaign or a run statement may expand to (default 10000); larger ones are refused before anything is expanded."

type PlanArgs =
    | [<MainCommand; ExactlyOnce>] Script of file: string
    | Json
    | [<CustomCommandLine("--set")>] Override of assignment: string
    | Max_Runs of runs: int
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Max_Runs _ -> "the most runs a sweep, a campaign or a run statement may expand to (default 10000); larger ones are refused before anything is expanded."
            | Script _ -> "the .lem script to expand."
            | Json -> "print JSON: [{\"name\": ..., \"params\": {PATH: {\"value\": ..., \"from\": ...}}}]."
            | Override _ -> "override a parameter, PATH=VALUE; repeatable."

type ExplainArgs =
    | [<MainCommand; ExactlyOnce>] Target of file: string * name: string
    | Max_Runs of runs: int
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Target _ -> "FILE NAME: how experiment NAME of FILE got each of its values."
            | Max_Runs _ -> "the most runs a sweep, a campaign or a run statement may expand to (default 10000); larger ones are refused before anything is expanded."

type ReplArgs =
    | Load of file: string
    interface IArgParserTemplate with
        member a.Usage = match a with Load _ -> "load a script before the first prompt."

type ExperimentArgs =
    | [<MainCommand; ExactlyOnce>] Config of file: string
    | [<CustomCommandLine("--set")>] Override of assignment: string
    | Results of folder: string
    | Max_Runs of runs: int
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Max_Runs _ -> "the most runs a sweep, a campaign or a run statement may expand to (default 10000); larger ones are refused before anything is expanded."
            | Config _ -> "a .lem file defining one experiment, or an original LLenergyMeasure YAML config."
            | Override _ -> "override a parameter, PATH=VALUE; repeatable."
            | Results _ -> "results folder (default: the config's results.dir, normally ./results)."

type ConfigParamsArgs =
    | Json
    | Markdown
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Json -> "print the registry as JSON."
            | Markdown -> "print the registry as docs/parameters.md (one table per section)."

type ConfigConvertArgs =
    | [<MainCommand; ExactlyOnce>] Yaml of file: string
    interface IArgParserTemplate with
        member a.Usage = match a with Yaml _ -> "an original LLenergyMeasure YAML config to print as .lem."

type ConfigArgs =
    | [<CliPrefix(CliPrefix.None)>] Params of ParseResults<ConfigParamsArgs>
    | [<CliPrefix(CliPrefix.None)>] Convert of ParseResults<ConfigConvertArgs>
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Params _ -> "list every experiment parameter: name, type, default, allowed values or range, unit, backends, help."
            | Convert _ -> "print the .lem equivalent of an original LLenergyMeasure YAML config."

type SynthArgs =
    | [<Mandatory>] Arch of architecture: string
    | [<Mandatory>] Preset of name: string
    | Seed of seed: int64
    | [<Mandatory>] Out of folder: string
    | Format of format: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Arch _ -> "architecture family: llama, mistral, qwen2, qwen3, gpt2."
            | Preset _ -> "shape preset of that family (for example tiny, llama-3.2-1b); `lem model presets` lists them."
            | Seed _ -> "seed of the random weights (default 0); the same seed writes the same bytes."
            | Out _ -> "folder to write (Hugging Face layout), which must not exist or be empty; with --format gguf the .gguf file to write, which must not exist."
            | Format _ -> "safetensors (default: a Hugging Face folder) or gguf (one llama.cpp file from the same seeded weights, in the preset's own type: f32 tiny, bf16 real shapes; llama, mistral, qwen2, qwen3)."

type ModelConvertArgs =
    | [<Mandatory>] To of format: string
    | Model of folder: string
    | Synthetic of preset: string
    | Seed of seed: int64
    | Outtype of ``type``: string
    | Quantization of scheme: string
    | [<Mandatory>] Out of path: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | To _ -> "the format to write: gguf (one llama.cpp file; llama, mistral, qwen2 and qwen3 families, byte-level BPE tokenizers) or ortgenai (an ONNX Runtime GenAI folder: model.onnx, genai_config.json, tokenizer files)."
            | Model _ -> "the Hugging Face folder to convert (config.json, *.safetensors, tokenizer files)."
            | Synthetic _ -> "convert synthetic(\"PRESET\") instead (the same seeded weights every backend loads); `lem model presets` lists them."
            | Seed _ -> "seed of the synthetic weights (default 0)."
            | Outtype _ -> "gguf: f32, f16, bf16, or source (default: each tensor's own float type). Norms and biases stay f32."
            | Quantization _ -> "ortgenai: fp32 (default) or int4 (MatMulNBits, blocks of 32, LM head and embeddings fp32)."
            | Out _ -> "gguf: the file to write, which must not exist; ortgenai: the folder to write, which must not exist or be empty."

type ProbeArgs =
    | [<Mandatory>] Model of folder: string
    | Precision of precision: string
    | Device of device: string
    | [<Mandatory>] Prompt_File of file: string
    | New_Tokens of tokens: int
    | [<Mandatory>] Out of file: string
    | Graph_Check
    | Pipeline of devices: string
    | Tensor of devices: string
    | Quantization of scheme: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Tensor _ -> "split every layer over these devices in one process (tensor parallelism), comma-separated (for example cuda:0,cuda:1; cuda:0,cuda:0 checks the CUDA path on one GPU); --device is then ignored."
            | Quantization _ -> "none (default), int8 or int4: weight-only quantization of the linear layers."
            | Graph_Check -> "also compare CUDA-graph (decode steps and, from the second call, prefills) and eager greedy tokens at batch 1, 8 and 32 (CUDA only)."
            | Pipeline _ -> "split the layers over these devices in one process, comma-separated (for example cuda:0,cuda:1); --device is then ignored."
            | Model _ -> "a Hugging Face model folder."
            | Precision _ -> "fp32 (default), fp16 or bf16."
            | Device _ -> "cpu (default) or cuda:N."
            | Prompt_File _ -> "JSON {\"prompts\": [[token ids], ...]}."
            | New_Tokens _ -> "greedy tokens generated per prompt, pinned (default 64)."
            | Out _ -> "JSON file to write; the last-position prefill logits go beside it as float32 (OUT.logits.f32)."

type ModelArgs =
    | [<CliPrefix(CliPrefix.None)>] Synth of ParseResults<SynthArgs>
    | [<CliPrefix(CliPrefix.None)>] Convert of ParseResults<ModelConvertArgs>
    | [<CliPrefix(CliPrefix.None)>] Presets
    | [<CliPrefix(CliPrefix.None); Hidden>] Probe of ParseResults<ProbeArgs>
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Synth _ -> "write a synthetic model: a real architecture's config with seeded random weights."
            | Convert _ -> "convert a Hugging Face folder or a synthetic model into another backend's format (--to gguf or --to ortgenai)."
            | Presets -> "list the synthetic model presets."
            | Probe _ -> "correctness probe (scripts/device/parity_transformers.py): greedy tokens batched and one by one, and prefill logits."

type ResultsShowArgs =
    | [<MainCommand; ExactlyOnce>] Id of run_id: string
    interface IArgParserTemplate with
        member a.Usage = match a with Id _ -> "the run id (as `lem results list` prints it)."

type ExportFormatArg =
    | Csv
    | Json
    | Parquet

type ResultsExportArgs =
    | [<Mandatory>] Format of ExportFormatArg
    | Out of file: string
    | All
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Format _ -> "csv (flat, NA for missing), json (aggregated records) or parquet."
            | Out _ -> "file to write (default: standard output for csv and json)."
            | All -> "keep superseded runs too (older complete runs of the same experiment and cycle; left out by default, as report and analyze do)."

type ResultsListArgs =
    | Valid
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Valid -> "only runs whose validity verdict has no failing check (pass or warn)."

type ResultsArgs =
    | Dir of folder: string
    | [<CliPrefix(CliPrefix.None)>] List of ParseResults<ResultsListArgs>
    | [<CliPrefix(CliPrefix.None)>] Show of ParseResults<ResultsShowArgs>
    | [<CliPrefix(CliPrefix.None)>] Export of ParseResults<ResultsExportArgs>
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Dir _ -> "results folder (default ./results)."
            | List _ -> "list the runs in the results folder."
            | Show _ -> "show one run: its validity verdict first, then config with provenance, environment, energy with sources, latency, warnings."
            | Export _ -> "export the completed runs that count (the latest of each experiment and cycle; --all keeps superseded ones)."

type FlopsArgs =
    | [<Mandatory>] Model of folder: string
    | [<Mandatory>] Prompt_Tokens of tokens: int
    | [<Mandatory>] New_Tokens of tokens: int
    | Batch of prompts: int
    | Json
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Model _ -> "a Hugging Face model folder (only config.json is read; no weights are loaded)."
            | Prompt_Tokens _ -> "prompt length in tokens."
            | New_Tokens _ -> "new tokens generated per prompt."
            | Batch _ -> "prompts per batch (default 1)."
            | Json -> "print JSON."

type EnvArgs =
    | Device of device: string
    | Json
    | Self_Check
    | Sampler_Overhead of seconds: int
    | Throughput_Rounds of rounds: int
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Device _ -> "the device whose meters to check (default cuda:0 where a GPU exists, else cpu)."
            | Json -> "print JSON."
            | Self_Check -> "GPU only: check the meter against a steady 30 s memory-bound load (update period, idle power against the power limit, counter vs samples within 3%, throttling, short-window flag)."
            | Sampler_Overhead _ -> "NVML needed: measure the power sampler's own CPU use at 10 Hz over this many seconds, then compare a fixed load's throughput with and without it (on --device: GPU copies on cuda:N, a decode-like loop on cpu)."
            | Throughput_Rounds _ -> "with --sampler-overhead: rounds of 4 s in the throughput comparison (even, at least 4; default 8; 0 skips it)."

type ReportArgs =
    | [<MainCommand; ExactlyOnce>] Folder of results: string
    | Out of folder: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Folder _ -> "a results folder."
            | Out _ -> "where to write the report (default RESULTS/report)."

type MeasureArgs =
    | Gpus of devices: string
    | Baseline of duration: string
    | Out of folder: string
    | Name of name: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Gpus _ -> "the GPUs the program uses, comma-separated (cuda:0,cuda:1); none given: host energy only."
            | Baseline _ -> "idle baseline measured before the program starts (10s, 1m; default 0s: none)."
            | Out _ -> "results folder (default ./results)."
            | Name _ -> "the name its runs are recorded under (default: the script's or program's file name); repeated runs of one name are its cycles."

type DaemonArgs =
    | [<MainCommand; ExactlyOnce>] Script of file: string
    | Once
    | Now
    | Max_Late of duration: string
    | Results of folder: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Script _ -> "the .lem script whose scheduled campaigns to run (a campaign with schedule = \"CRON\" that a run statement names)."
            | Once -> "handle what is due now (or, with --now, the next occurrence) and exit; without it, wait for each occurrence until every cycle has run."
            | Now -> "run the next occurrence at once instead of waiting for its time."
            | Max_Late _ -> "an occurrence lem reaches later than this after its time is skipped as missed (default 1h)."
            | Results _ -> "results folder (default: each experiment's results.dir, normally ./results)."

type LemArgs =
    | Version
    | [<CliPrefix(CliPrefix.None)>] Run of ParseResults<RunArgs>
    | [<CliPrefix(CliPrefix.None)>] Check of ParseResults<CheckArgs>
    | [<CliPrefix(CliPrefix.None)>] Plan of ParseResults<PlanArgs>
    | [<CliPrefix(CliPrefix.None)>] Explain of ParseResults<ExplainArgs>
    | [<CliPrefix(CliPrefix.None)>] Repl of ParseResults<ReplArgs>
    | [<CliPrefix(CliPrefix.None)>] Experiment of ParseResults<ExperimentArgs>
    | [<CliPrefix(CliPrefix.None)>] Config of ParseResults<ConfigArgs>
    | [<CliPrefix(CliPrefix.None)>] Model of ParseResults<ModelArgs>
    | [<CliPrefix(CliPrefix.None)>] Results of ParseResults<ResultsArgs>
    | [<CliPrefix(CliPrefix.None)>] Flops of ParseResults<FlopsArgs>
    | [<CliPrefix(CliPrefix.None)>] Env of ParseResults<EnvArgs>
    | [<CliPrefix(CliPrefix.None)>] Report of ParseResults<ReportArgs>
    | [<CliPrefix(CliPrefix.None)>] Measure of ParseResults<MeasureArgs>
    | [<CliPrefix(CliPrefix.None)>] Daemon of ParseResults<DaemonArgs>
    | [<CliPrefix(CliPrefix.None)>] Status of ParseResults<StatusArgs>
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Version -> "print the version."
            | Run _ -> "run a .lem script: experiments, sweeps, campaigns, analyses (completed runs are skipped)."
            | Check _ -> "check a script; diagnostics as FILE:LINE:COL: error LEMnnnn: message."
            | Plan _ -> "print the expanded experiments with every resolved parameter and its origin."
            | Explain _ -> "explain where each value of one experiment comes from."
            | Repl _ -> "read .lem statements interactively (:load FILE, :quit)."
            | Experiment _ -> "run one experiment from a config file (.lem or original YAML)."
            | Config _ -> "the parameter registry and config conversion."
            | Model _ -> "synthetic models."
            | Results _ -> "list, show and export results."
            | Flops _ -> "parameter counts and FLOPs of a model from its config.json."
            | Env _ -> "the environment and each meter's health."
            | Report _ -> "an HTML report of a results folder."
            | Measure _ -> "measure any program: lem measure [--gpus cuda:0] -- PROGRAM ARGS... (energy, baseline, validity; tokens if it prints them)."
            | Status _ -> "the state of each planned run of a script: done, failed, running, queued (SLURM) or not submitted."
            | Daemon _ -> "run a script's scheduled campaigns (schedule = \"0 2 * * *\") at their times, surviving restarts."
