namespace Lem.Engine.Meters.Rapl;

/// <summary>
/// File access for the powercap tree. <see cref="PowercapFiles"/> reads the real files; tests may wrap it to simulate
/// permission denial when running as root (root can read a mode-000 file).
/// </summary>
public interface IPowercapFiles
{
    /// <summary>Zone folder names directly under the root (<c>intel-rapl:0</c>, <c>intel-rapl:0:1</c>, ...).</summary>
    IReadOnlyList<string> ListZoneFolders(string root);

    /// <summary>Subfolder names of a zone folder.</summary>
    IReadOnlyList<string> ListSubfolders(string folder);

    bool FileExists(string path);

    /// <summary>The file's text; throws <see cref="UnauthorizedAccessException"/> when reading is denied.</summary>
    string ReadText(string path);
}
