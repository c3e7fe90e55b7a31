using System.Globalization;
using System.Reflection;
using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Flops.Utilisation;

/// <summary>
/// The GPU peak table embedded in the engine (gpu-peaks.csv, from NVIDIA datasheets and whitepapers; dense figures).
/// Devices are matched by their exact NVML name (case and surrounding spaces ignored) or by the table's product name.
/// </summary>
public static class GpuPeakTable
{
    private const string ResourceName = "Lem.Engine.Flops.Utilisation.gpu-peaks.csv";
    private static readonly Lazy<IReadOnlyList<GpuPeak>> Embedded = new(LoadEmbedded);

    public static IReadOnlyList<GpuPeak> All => Embedded.Value;

    /// <summary>The row for an NVML device name such as "NVIDIA H100 80GB HBM3"; null when the GPU is not in the table.</summary>
    public static GpuPeak? Find(string? deviceName) => Find(All, deviceName);

    public static GpuPeak? Find(IReadOnlyList<GpuPeak> table, string? deviceName)
    {
        if (string.IsNullOrWhiteSpace(deviceName)) return null;
        var name = Canonical(deviceName);
        return table.FirstOrDefault(p => p.NvmlNames.Any(n => Canonical(n) == name) || Canonical(p.Gpu) == name);
    }

    /// <summary>Parses the table format (CSV, <see cref="CsvParser"/>): '#' comment lines, a header, then one row per GPU.</summary>
    public static IReadOnlyList<GpuPeak> Parse(TextReader reader, string source)
    {
        var rows = new List<GpuPeak>();
        var header = true;
        foreach (var row in CsvParser.Parse(source, reader.ReadToEnd(), message => new FlopsInputException(message), comment: '#'))
        {
            var (cells, lineNumber) = (row.Fields, row.Line);
            if (header)
            {
                header = false;
                if (cells.Count != 9 || cells[0] != "gpu" || cells[6] != "memory_bandwidth_tb_s")
                    throw new FlopsInputException($"{source}:{lineNumber}: unexpected header \"{string.Join(",", cells)}\".");
                continue;
            }
            if (cells.Count != 9)
                throw new FlopsInputException($"{source}:{lineNumber}: {cells.Count} cells where 9 are expected (quote a cell that holds a comma).");
            rows.Add(new GpuPeak(
                cells[0].Trim(),
                cells[1].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Number(cells[2], source, lineNumber), Number(cells[3], source, lineNumber),
                Number(cells[4], source, lineNumber), Number(cells[5], source, lineNumber),
                Number(cells[6], source, lineNumber) ?? throw new FlopsInputException($"{source}:{lineNumber}: memory_bandwidth_tb_s is empty."),
                cells[7].Trim(), cells[8].Trim()));
        }
        return rows;
    }

    private static double? Number(string cell, string source, int lineNumber)
    {
        if (string.IsNullOrWhiteSpace(cell)) return null;
        return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw new FlopsInputException($"{source}:{lineNumber}: \"{cell}\" is not a positive number.");
    }

    private static string Canonical(string name) => string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    private static IReadOnlyList<GpuPeak> LoadEmbedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from Lem.Engine; the build lost it.");
        using var reader = new StreamReader(stream);
        return Parse(reader, "gpu-peaks.csv");
    }
}
