using Lem.Engine.Meters.Rapl;

namespace Lem.Engine.Tests.Meters.Rapl;

/// <summary>The real file reader, except that energy_uj is denied as for a non-root user on Linux ≥ 5.10.</summary>
public sealed class DenyingPowercapFiles : IPowercapFiles
{
    public IReadOnlyList<string> ListZoneFolders(string root) => PowercapFiles.Instance.ListZoneFolders(root);
    public IReadOnlyList<string> ListSubfolders(string folder) => PowercapFiles.Instance.ListSubfolders(folder);
    public bool FileExists(string path) => PowercapFiles.Instance.FileExists(path);

    public string ReadText(string path) =>
        Path.GetFileName(path) == "energy_uj"
            ? throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.")
            : PowercapFiles.Instance.ReadText(path);
}
