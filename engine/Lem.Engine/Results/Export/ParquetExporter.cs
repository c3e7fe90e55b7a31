using Lem.Engine.Results.Schema;
using Parquet;
using Parquet.Schema;

namespace Lem.Engine.Results.Export;

/// <summary>Parquet export: the columns of <see cref="ExportTable"/>, numbers as nullable doubles, text as nullable strings, one row group.</summary>
public static class ParquetExporter
{
    public static async Task WriteAsync(Stream output, IEnumerable<AggregatedRecord> records, CancellationToken cancellation = default)
    {
        var table = ExportTable.From(records);
        var fields = table.Columns
            .Select(c => c.Kind == ExportColumnKind.Number ? (DataField)new DataField<double?>(c.Name, true) : new DataField<string>(c.Name, true))
            .ToList();
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), output, cancellationToken: cancellation);
        using var group = writer.CreateRowGroup();
        for (var i = 0; i < fields.Count; i++)
        {
            if (table.Columns[i].Kind == ExportColumnKind.Number)
                await group.WriteAsync<double>(fields[i], table.Rows.Select(r => (double?)r[i]).ToArray(), cancellationToken: cancellation);
            else
                await group.WriteAsync(fields[i], table.Rows.Select(r => (string?)r[i]).ToArray()!);
        }
    }

    /// <summary>Writes the file through a temporary file and a rename, so a reader never sees half a file.</summary>
    public static void Write(string path, IEnumerable<AggregatedRecord> records)
    {
        var full = Path.GetFullPath(path);
        using var temporary = TemporaryFiles.Track(TemporaryFiles.PathBeside(full));
        try
        {
            using (var stream = new FileStream(temporary.Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                WriteAsync(stream, records).GetAwaiter().GetResult();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary.Path, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultsException($"cannot write {full}: {e.Message}. Check that the folder exists and is writable.", e);
        }
    }
}
