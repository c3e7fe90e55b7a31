using Lem.Engine.Running.Commands;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Running.Commands;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CommandLocatorTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private string File(string name, UnixFileMode mode)
    {
        var path = Path.Combine(_temp.Path, name);
        System.IO.File.WriteAllText(path, "#!/bin/sh\n");
        System.IO.File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void A_bare_name_is_looked_up_in_PATH_in_order_skipping_files_that_are_not_executable()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_temp.Path, "bin")).FullName;
        var other = Directory.CreateDirectory(Path.Combine(_temp.Path, "other")).FullName;
        System.IO.File.WriteAllText(Path.Combine(bin, "tool"), "");
        System.IO.File.SetUnixFileMode(Path.Combine(bin, "tool"), UnixFileMode.UserRead);
        System.IO.File.WriteAllText(Path.Combine(other, "tool"), "");
        System.IO.File.SetUnixFileMode(Path.Combine(other, "tool"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        Assert.Equal(Path.Combine(other, "tool"), CommandLocator.Resolve("tool", _temp.Path, $"{bin}:{other}"));
    }

    [Fact]
    public void A_path_is_relative_to_the_working_folder()
    {
        var script = File("run.sh", UnixFileMode.UserRead | UnixFileMode.UserExecute);
        Assert.Equal(script, CommandLocator.Resolve("./run.sh", _temp.Path, ""));
    }

    [Fact]
    public void A_file_that_is_not_executable_is_126_with_the_remedy()
    {
        File("load.py", UnixFileMode.UserRead);
        var error = Assert.Throws<CommandStartException>(() => CommandLocator.Resolve("./load.py", _temp.Path, ""));
        Assert.Equal(126, error.ExitCode);
        Assert.Equal($"command './load.py' is not executable ({Path.Combine(_temp.Path, "load.py")}). Remedy: chmod +x ./load.py, or run it through its interpreter (lem measure -- python3 ./load.py).", error.Message);
    }

    [Fact]
    public void A_missing_path_is_127_naming_the_file()
    {
        var error = Assert.Throws<CommandStartException>(() => CommandLocator.Resolve("./nope.sh", _temp.Path, ""));
        Assert.Equal(127, error.ExitCode);
        Assert.Contains($"({Path.Combine(_temp.Path, "nope.sh")} does not exist)", error.Message);
    }

    public void Dispose() => _temp.Dispose();
}
