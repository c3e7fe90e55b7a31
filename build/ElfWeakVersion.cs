// Marks one symbol-version requirement of an ELF64 little-endian shared library as weak (VER_FLG_WEAK).
//
// Why: TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32 for one symbol it never calls
// (std::ios_base_library_init). Debian 12 ships GLIBCXX_3.4.30, so the dynamic loader refuses the whole
// library. With the requirement weak, the loader accepts a missing version (glibc only reports it when
// LD_DEBUG asks) and binds everything else as usual. See build/README.md, "The TorchSharp native patch".
//
// The flag is set always, not only when the building machine lacks the version: the build output must not
// depend on where it was built (a publish made on Ubuntu 24.04 may run on Debian 12), and on a system that
// has the version the weak bit changes nothing (the loader finds the version and binds as before).
//
// This file is compiled in two places, so it stays plain C# for netstandard2.0 (no spans, no nullable
// annotations, BCL only):
//   - by MSBuild's RoslynCodeTaskFactory (build/Lem.NativePatch.targets), which also compiles the
//     MSBuild task class at the bottom;
//   - into tests/Lem.Backends.TorchSharp.Tests, which defines LEM_ELF_NO_MSBUILD to leave the task out.
using System;
using System.IO;
using System.Text;

namespace Lem.Build
{
    public enum ElfWeakVersionOutcome
    {
        /// <summary>The flag was set and the file rewritten.</summary>
        Patched,
        /// <summary>The requirement was already weak; the file was not touched.</summary>
        AlreadyWeak,
        /// <summary>The library has no requirement with that version name; the file was not touched.</summary>
        VersionAbsent,
    }

    public static class ElfWeakVersion
    {
        public const ushort VerFlagWeak = 0x2;
        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>
        /// Sets VER_FLG_WEAK on every Vernaux entry named <paramref name="versionName"/> in <paramref name="path"/>.
        /// The file is replaced by a new file (new inode), so a hard link into a package cache is never written through.
        /// Throws InvalidDataException with the file name when the file is not a well-formed ELF64 little-endian object.
        /// </summary>
        public static ElfWeakVersionOutcome MarkWeak(string path, string versionName)
        {
            byte[] bytes = File.ReadAllBytes(path);
            int[] flagOffsets = FindVernauxFlagOffsets(bytes, versionName, path);
            if (flagOffsets.Length == 0)
                return ElfWeakVersionOutcome.VersionAbsent;

            bool changed = false;
            foreach (int offset in flagOffsets)
            {
                ushort flags = ReadU16(bytes, offset);
                if ((flags & VerFlagWeak) == 0)
                {
                    WriteU16(bytes, offset, (ushort)(flags | VerFlagWeak));
                    changed = true;
                }
            }
            if (!changed)
                return ElfWeakVersionOutcome.AlreadyWeak;

            string temp = path + ".lem-patch.tmp";
            // File.Copy makes a new file with the original's permissions; its contents are then overwritten.
            File.Copy(path, temp, true);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
                stream.Write(bytes, 0, bytes.Length);
            File.Delete(path);
            File.Move(temp, path);
            return ElfWeakVersionOutcome.Patched;
        }

        /// <summary>File offsets of the vna_flags fields of the Vernaux entries named <paramref name="versionName"/>.</summary>
        public static int[] FindVernauxFlagOffsets(byte[] bytes, string versionName, string fileNameForErrors)
        {
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
                throw Bad(fileNameForErrors, "not an ELF file");
            if (bytes[4] != 2)
                throw Bad(fileNameForErrors, "not ELF64 (EI_CLASS is " + bytes[4] + ")");
            if (bytes[5] != 1)
                throw Bad(fileNameForErrors, "not little-endian (EI_DATA is " + bytes[5] + ")");

            long shoff = (long)ReadU64(bytes, 0x28);
            int shentsize = ReadU16(bytes, 0x3A);
            int shnum = ReadU16(bytes, 0x3C);
            if (shoff == 0 || shnum == 0)
                throw Bad(fileNameForErrors, "no section headers");
            if (shentsize < 64 || shoff < 0 || shoff + (long)shentsize * shnum > bytes.Length)
                throw Bad(fileNameForErrors, "section header table out of range");

            var found = new System.Collections.Generic.List<int>();
            for (int i = 0; i < shnum; i++)
            {
                int sh = (int)(shoff + (long)i * shentsize);
                if (ReadU32(bytes, sh + 4) != ShtGnuVerneed)
                    continue;

                long offset = (long)ReadU64(bytes, sh + 24);
                long size = (long)ReadU64(bytes, sh + 32);
                int link = (int)ReadU32(bytes, sh + 40);
                int count = (int)ReadU32(bytes, sh + 44);
                CheckRange(bytes, offset, size, fileNameForErrors, ".gnu.version_r");
                if (link <= 0 || link >= shnum)
                    throw Bad(fileNameForErrors, ".gnu.version_r links to no string table");
                int strSh = (int)(shoff + (long)link * shentsize);
                long strOffset = (long)ReadU64(bytes, strSh + 24);
                long strSize = (long)ReadU64(bytes, strSh + 32);
                CheckRange(bytes, strOffset, strSize, fileNameForErrors, ".dynstr");

                long verneed = offset;
                for (int n = 0; n < count; n++)
                {
                    CheckRange(bytes, verneed, 16, fileNameForErrors, "Verneed entry");
                    int auxCount = ReadU16(bytes, (int)verneed + 2);
                    long vernaux = verneed + ReadU32(bytes, (int)verneed + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        CheckRange(bytes, vernaux, 16, fileNameForErrors, "Vernaux entry");
                        uint nameIndex = ReadU32(bytes, (int)vernaux + 8);
                        if (nameIndex >= strSize)
                            throw Bad(fileNameForErrors, "Vernaux name outside .dynstr");
                        if (CStringEquals(bytes, strOffset + nameIndex, strOffset + strSize, versionName))
                            found.Add((int)vernaux + 4);
                        uint nextAux = ReadU32(bytes, (int)vernaux + 12);
                        if (nextAux == 0)
                            break;
                        vernaux += nextAux;
                    }
                    uint next = ReadU32(bytes, (int)verneed + 12);
                    if (next == 0)
                        break;
                    verneed += next;
                }
            }
            return found.ToArray();
        }

        private static bool CStringEquals(byte[] bytes, long start, long end, string expected)
        {
            byte[] want = Encoding.ASCII.GetBytes(expected);
            if (start + want.Length >= end)
                return false;
            for (int i = 0; i < want.Length; i++)
                if (bytes[start + i] != want[i])
                    return false;
            return bytes[start + want.Length] == 0;
        }

        private static void CheckRange(byte[] bytes, long offset, long size, string file, string what)
        {
            if (offset < 0 || size < 0 || offset + size > bytes.Length)
                throw Bad(file, what + " out of range");
        }

        private static InvalidDataException Bad(string file, string reason)
        {
            return new InvalidDataException(file + ": " + reason + "; cannot mark a symbol version weak.");
        }

        private static ushort ReadU16(byte[] b, int o) { return (ushort)(b[o] | (b[o + 1] << 8)); }

        private static uint ReadU32(byte[] b, int o) { return (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)); }

        private static ulong ReadU64(byte[] b, int o) { return ReadU32(b, o) | ((ulong)ReadU32(b, o + 4) << 32); }

        private static void WriteU16(byte[] b, int o, ushort v) { b[o] = (byte)v; b[o + 1] = (byte)(v >> 8); }
    }

#if !LEM_ELF_NO_MSBUILD
    /// <summary>MSBuild task: marks <see cref="Version"/> weak in each of <see cref="Files"/>.</summary>
    public class MarkElfVersionWeak : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; }

        [Microsoft.Build.Framework.Required]
        public string Version { get; set; }

        public override bool Execute()
        {
            foreach (var item in Files)
            {
                string path = item.GetMetadata("FullPath");
                try
                {
                    ElfWeakVersionOutcome outcome = ElfWeakVersion.MarkWeak(path, Version);
                    if (outcome == ElfWeakVersionOutcome.Patched)
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, "Marked " + Version + " weak in " + path);
                    else if (outcome == ElfWeakVersionOutcome.VersionAbsent)
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, path + " has no " + Version + " requirement; left as is");
                }
                catch (Exception e)
                {
                    Log.LogError("Lem native patch (see build/README.md): " + e.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
