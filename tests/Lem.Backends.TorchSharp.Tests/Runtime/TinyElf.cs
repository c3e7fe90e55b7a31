using System.Text;

namespace Lem.Backends.TorchSharp.Tests.Runtime;

/// <summary>Builds a minimal ELF64 little-endian file with a .dynstr and a .gnu.version_r needing the given versions of one library.</summary>
internal static class TinyElf
{
    public static byte[] WithVersionNeeds(string library, params string[] versions)
    {
        var dynstr = new MemoryStream();
        dynstr.WriteByte(0);
        int Add(string s)
        {
            int at = (int)dynstr.Length;
            dynstr.Write(Encoding.ASCII.GetBytes(s));
            dynstr.WriteByte(0);
            return at;
        }
        int libName = Add(library);
        int[] versionNames = versions.Select(Add).ToArray();
        int shstrDynstr = 1, shstrVerneed = 9;
        byte[] shstrtab = Encoding.ASCII.GetBytes("\0.dynstr\0.gnu.version_r\0.shstrtab\0");
        int shstrShstrtab = 24;

        var verneed = new byte[16 + 16 * versions.Length];
        Put16(verneed, 0, 1);
        Put16(verneed, 2, (ushort)versions.Length);
        Put32(verneed, 4, (uint)libName);
        Put32(verneed, 8, 16);
        Put32(verneed, 12, 0);
        for (int i = 0; i < versions.Length; i++)
        {
            int a = 16 + 16 * i;
            Put32(verneed, a, 0x1234567u + (uint)i);
            Put16(verneed, a + 4, 0);
            Put16(verneed, a + 6, (ushort)(2 + i));
            Put32(verneed, a + 8, (uint)versionNames[i]);
            Put32(verneed, a + 12, i == versions.Length - 1 ? 0u : 16u);
        }

        byte[] dyn = dynstr.ToArray();
        int dynOff = 64, verOff = dynOff + dyn.Length, shstrOff = verOff + verneed.Length;
        int shOff = (shstrOff + shstrtab.Length + 7) / 8 * 8;
        var file = new byte[shOff + 4 * 64];
        file[0] = 0x7f; file[1] = (byte)'E'; file[2] = (byte)'L'; file[3] = (byte)'F';
        file[4] = 2; file[5] = 1; file[6] = 1;
        Put16(file, 0x10, 3);    // ET_DYN
        Put16(file, 0x12, 62);   // EM_X86_64
        Put32(file, 0x14, 1);
        Put64(file, 0x28, (ulong)shOff);
        Put16(file, 0x34, 64);
        Put16(file, 0x3A, 64);
        Put16(file, 0x3C, 4);
        Put16(file, 0x3E, 3);
        dyn.CopyTo(file, dynOff);
        verneed.CopyTo(file, verOff);
        shstrtab.CopyTo(file, shstrOff);
        Section(file, shOff + 64, shstrDynstr, 3, dynOff, dyn.Length, 0, 0);
        Section(file, shOff + 128, shstrVerneed, 0x6ffffffe, verOff, verneed.Length, 1, 1);
        Section(file, shOff + 192, shstrShstrtab, 3, shstrOff, shstrtab.Length, 0, 0);
        return file;
    }

    private static void Section(byte[] f, int at, int name, uint type, int offset, int size, int link, int info)
    {
        Put32(f, at, (uint)name);
        Put32(f, at + 4, type);
        Put64(f, at + 24, (ulong)offset);
        Put64(f, at + 32, (ulong)size);
        Put32(f, at + 40, (uint)link);
        Put32(f, at + 44, (uint)info);
        Put64(f, at + 48, 1);
    }

    private static void Put16(byte[] b, int o, ushort v) => BitConverter.TryWriteBytes(b.AsSpan(o), v);
    private static void Put32(byte[] b, int o, uint v) => BitConverter.TryWriteBytes(b.AsSpan(o), v);
    private static void Put64(byte[] b, int o, ulong v) => BitConverter.TryWriteBytes(b.AsSpan(o), v);
}
