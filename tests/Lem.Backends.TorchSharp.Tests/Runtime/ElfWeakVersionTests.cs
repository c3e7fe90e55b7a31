using System.Runtime.InteropServices;
using Lem.Build;

namespace Lem.Backends.TorchSharp.Tests.Runtime;

public sealed class ElfWeakVersionTests : IDisposable
{
    private const string Glibcxx32 = "GLIBCXX_3.4.32";
    private readonly string _dir = Directory.CreateTempSubdirectory("lem-elf-").FullName;

    private static string NuGetTorchSharpNative()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    [Fact]
    public void Real_library_gets_exactly_the_weak_bit_and_nothing_else()
    {
        string source = NuGetTorchSharpNative();
        Assert.True(File.Exists(source), $"TorchSharp native not restored at {source}");
        byte[] original = File.ReadAllBytes(source);
        string copy = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(source, copy);

        int[] flagOffsets = ElfWeakVersion.FindVernauxFlagOffsets(original, Glibcxx32, copy);
        Assert.Single(flagOffsets);
        Assert.Equal(0, original[flagOffsets[0]] & ElfWeakVersion.VerFlagWeak);

        Assert.Equal(ElfWeakVersionOutcome.Patched, ElfWeakVersion.MarkWeak(copy, Glibcxx32));

        byte[] patched = File.ReadAllBytes(copy);
        Assert.Equal(original.Length, patched.Length);
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.Equal(new[] { flagOffsets[0] }, differing);
        Assert.Equal(original[flagOffsets[0]] | ElfWeakVersion.VerFlagWeak, patched[flagOffsets[0]]);
        // Other GLIBCXX requirements stay strong.
        int other = ElfWeakVersion.FindVernauxFlagOffsets(patched, "GLIBCXX_3.4.26", copy).Single();
        Assert.Equal(0, patched[other] & ElfWeakVersion.VerFlagWeak);
        Assert.Equal(original, File.ReadAllBytes(source));
    }

    [Fact]
    public void Patching_twice_changes_nothing_the_second_time()
    {
        string copy = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(NuGetTorchSharpNative(), copy);
        Assert.Equal(ElfWeakVersionOutcome.Patched, ElfWeakVersion.MarkWeak(copy, Glibcxx32));
        byte[] once = File.ReadAllBytes(copy);
        DateTime written = File.GetLastWriteTimeUtc(copy);

        Assert.Equal(ElfWeakVersionOutcome.AlreadyWeak, ElfWeakVersion.MarkWeak(copy, Glibcxx32));

        Assert.Equal(once, File.ReadAllBytes(copy));
        Assert.Equal(written, File.GetLastWriteTimeUtc(copy));
    }

    [Fact]
    public void A_hard_link_is_replaced_not_written_through()
    {
        string cacheFile = Path.Combine(_dir, "cache.so");
        File.WriteAllBytes(cacheFile, TinyElf.WithVersionNeeds("libstdc++.so.6", "GLIBCXX_3.4.30", Glibcxx32));
        byte[] cacheBytes = File.ReadAllBytes(cacheFile);
        string linked = Path.Combine(_dir, "bin.so");
        Assert.Equal(0, link(cacheFile, linked));

        Assert.Equal(ElfWeakVersionOutcome.Patched, ElfWeakVersion.MarkWeak(linked, Glibcxx32));

        Assert.Equal(cacheBytes, File.ReadAllBytes(cacheFile));
        Assert.NotEqual(cacheBytes, File.ReadAllBytes(linked));
    }

    [Fact]
    public void Handmade_library_without_the_version_is_reported_and_left_alone()
    {
        string path = Path.Combine(_dir, "tiny.so");
        byte[] bytes = TinyElf.WithVersionNeeds("libstdc++.so.6", "GLIBCXX_3.4.30", "CXXABI_1.3.13");
        File.WriteAllBytes(path, bytes);

        Assert.Equal(ElfWeakVersionOutcome.VersionAbsent, ElfWeakVersion.MarkWeak(path, Glibcxx32));

        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void Handmade_library_with_the_version_gets_the_flag_on_that_entry_only()
    {
        string path = Path.Combine(_dir, "tiny.so");
        byte[] bytes = TinyElf.WithVersionNeeds("libstdc++.so.6", "GLIBCXX_3.4.30", Glibcxx32, "CXXABI_1.3.13");
        File.WriteAllBytes(path, bytes);

        Assert.Equal(ElfWeakVersionOutcome.Patched, ElfWeakVersion.MarkWeak(path, Glibcxx32));

        byte[] after = File.ReadAllBytes(path);
        int flag = ElfWeakVersion.FindVernauxFlagOffsets(after, Glibcxx32, path).Single();
        Assert.Equal(ElfWeakVersion.VerFlagWeak, after[flag]);
        Assert.Equal(new[] { flag }, Enumerable.Range(0, bytes.Length).Where(i => bytes[i] != after[i]).ToArray());
    }

    [Fact]
    public void A_prefix_of_the_version_name_does_not_match()
    {
        byte[] bytes = TinyElf.WithVersionNeeds("libstdc++.so.6", "GLIBCXX_3.4.321");
        Assert.Empty(ElfWeakVersion.FindVernauxFlagOffsets(bytes, Glibcxx32, "tiny.so"));
    }

    [Fact]
    public void Not_an_elf_file_is_a_clear_error_naming_the_file()
    {
        string path = Path.Combine(_dir, "text.so");
        File.WriteAllText(path, new string('x', 100));
        var e = Assert.Throws<InvalidDataException>(() => ElfWeakVersion.MarkWeak(path, Glibcxx32));
        Assert.Contains(path, e.Message);
        Assert.Contains("not an ELF file", e.Message);
    }

    [Fact]
    public void Truncated_section_table_is_a_clear_error()
    {
        byte[] bytes = TinyElf.WithVersionNeeds("libstdc++.so.6", Glibcxx32);
        var cut = bytes[..(bytes.Length - 10)];
        var e = Assert.Throws<InvalidDataException>(() => ElfWeakVersion.FindVernauxFlagOffsets(cut, Glibcxx32, "cut.so"));
        Assert.Contains("section header table out of range", e.Message);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldPath, string newPath);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
