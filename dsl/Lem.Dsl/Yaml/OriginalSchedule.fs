/// The original tool's schedules (an experiment's `schedule:` for its daemon mode, a campaign's `schedule:` and
/// `daemon:`) as a lem campaign schedule: one cron expression, read by `lem daemon`, which runs one cycle at each
/// occurrence, and a number of cycles from `total_duration`.
module internal Lem.Dsl.Yaml.OriginalSchedule

open System
open System.Globalization
open System.Text.RegularExpressions

/// What the original wrote: `at` ("09:00"), `days` (["mon", "wed"], "weekdays", "weekends"), `interval` ("6h",
/// "30m", "1d"), `total_duration` ("24h", "7d").
type Original =
    { At: string option
      Days: string list
      Interval: string option
      TotalDuration: string option }

type Translated =
    { Cron: string
      /// How many occurrences fall in total_duration (the campaign's cycles); None: total_duration was not given.
      Cycles: int option
      /// What differs from the original's daemon, for a note.
      Notes: string list }

let private dayNumbers =
    Map.ofList [ "sun", 0; "mon", 1; "tue", 2; "wed", 3; "thu", 4; "fri", 5; "sat", 6 ]

/// The days as cron's day-of-week field ("*" for every day), as the original expanded its aliases.
let private daysField (days: string list) : Result<string * int, string> =
    let expanded =
        days
        |> List.collect (fun d ->
            match d.Trim().ToLowerInvariant() with
            | "weekdays" -> [ "mon"; "tue"; "wed"; "thu"; "fri" ]
            | "weekends" -> [ "sat"; "sun" ]
            | other -> [ other ])
    match expanded |> List.tryFind (fun d -> not (dayNumbers.ContainsKey d)) with
    | Some bad -> Error(sprintf "'%s' is not a day (mon ... sun, weekdays, weekends)" bad)
    | None when expanded.IsEmpty -> Ok("*", 7)
    | None ->
        let numbers = expanded |> List.map (fun d -> dayNumbers[d]) |> List.distinct |> List.sort
        Ok(String.Join(",", numbers), numbers.Length)

/// "6h" / "30m" / "1d" / "90s" as a time span.
let duration (text: string) : TimeSpan option =
    let m = Regex.Match(text.Trim(), @"^(\d+(?:\.\d+)?)\s*([smhd])$")
    if not m.Success then None
    else
        let n = Double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
        match m.Groups[2].Value with
        | "s" -> Some(TimeSpan.FromSeconds n)
        | "m" -> Some(TimeSpan.FromMinutes n)
        | "h" -> Some(TimeSpan.FromHours n)
        | _ -> Some(TimeSpan.FromDays n)

/// The cron expression and cycles, or why the schedule has none.
let translate (s: Original) : Result<Translated, string> =
    match daysField s.Days with
    | Error e -> Error e
    | Ok(dow, dayCount) ->
        let total = s.TotalDuration |> Option.map (fun t -> t, duration t)
        match total with
        | Some(t, None) -> Error(sprintf "total_duration '%s' is not a duration such as 24h or 7d" t)
        | _ ->
        let totalSpan = total |> Option.bind snd
        match s.At, s.Interval with
        | Some _, Some _ -> Error "at and interval together have no single cron expression; keep one of them"
        | None, None -> Error "a schedule needs at or interval, as the original's did"
        | Some at, None ->
            let m = Regex.Match(at.Trim(), @"^(\d{1,2}):(\d{2})$")
            let hour, minute = if m.Success then int m.Groups[1].Value, int m.Groups[2].Value else -1, -1
            if hour < 0 || hour > 23 || minute > 59 then Error(sprintf "at '%s' is not a time of day such as 09:00" at)
            else
                // the original ran at that time on each of its days, until total_duration had passed
                let cycles = totalSpan |> Option.map (fun t -> max 1 (int (Math.Floor(t.TotalDays * float dayCount / 7.0))))
                let notes =
                    [ if totalSpan.IsSome && dayCount < 7 then
                          "the number of runs in total_duration depends on the day the original's daemon started; lem runs about total_duration x the days' share of a week" ]
                Ok { Cron = sprintf "%d %d * * %s" minute hour dow; Cycles = cycles; Notes = notes }
        | None, Some interval ->
            match duration interval with
            | None -> Error(sprintf "interval '%s' is not a duration such as 6h or 30m" interval)
            | Some span ->
                let minutes = span.TotalMinutes
                let whole = minutes = Math.Floor minutes && minutes >= 1.0
                let field =
                    if not whole then None
                    elif minutes < 60.0 && 60.0 % minutes = 0.0 then Some(sprintf "*/%d * * * %s" (int minutes) dow)
                    elif minutes % 60.0 = 0.0 && minutes < 1440.0 && 24.0 % (minutes / 60.0) = 0.0 then Some(sprintf "0 */%d * * %s" (int (minutes / 60.0)) dow)
                    elif minutes = 1440.0 then Some(sprintf "0 0 * * %s" dow)
                    else None
                match field with
                | None -> Error(sprintf "an interval of %s does not divide the hour or the day, so no cron expression repeats it" interval)
                | Some cron ->
                    let cycles = totalSpan |> Option.map (fun t -> max 1 (int (Math.Floor(t.TotalMinutes / minutes))))
                    let notes =
                        [ "the original's daemon ran at once and then every interval; lem's runs fall on the clock's multiples of the interval (the first at the next one)"
                          if dayCount < 7 && totalSpan.IsSome then "with days, fewer than total_duration / interval runs fall in total_duration; lem counts them all" ]
                    Ok { Cron = cron; Cycles = cycles; Notes = notes }
