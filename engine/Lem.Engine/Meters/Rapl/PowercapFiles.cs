namespace Lem.Engine.Meters.Rapl;

/// <summary>Reads the powercap tree from the file system (the real /sys/class/powercap or a test tree).</summary>
public sealed class PowercapFiles : IPowercapFiles
{
    public static PowercapFiles Instance { get; } = new();

    public IReadOnlyList<string> ListZoneFolders(string root) =>
        Directory.Exists(root) ? Directory.GetFileSystemEntries(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray() : [];

    public IReadOnlyList<string> ListSubfolders(string folder) =>
        Directory.Exists(folder) ? Directory.GetDirectories(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray() : [];

    public bool FileExists(string path) => File.Exists(path);

    public string ReadText(string path) => File.ReadAllText(path).Trim();
}
