using System.Globalization;

namespace Lem.Engine.Meters.Nvml;

/// <summary>
/// Maps the devices an experiment uses (<c>cuda:0</c>, <c>cuda:1</c>, a GPU UUID, a PCI bus id) to NVML devices by UUID
/// or PCI bus id, respecting CUDA_VISIBLE_DEVICES (ordinals, <c>GPU-</c> UUIDs or prefixes, <c>MIG-</c> instances).
/// Never by NVML's enumeration order: CUDA ordinals are resolved against the devices sorted by PCI bus id.
/// </summary>
public static class GpuDeviceSelector
{
    public static GpuSelection Select(INvmlApi api, IReadOnlyList<string> requested, string? cudaVisibleDevices, string? cudaDeviceOrder)
    {
        var errors = new List<string>();
        var notes = new List<string>();
        var all = Enumerate(api, errors);
        var byPci = all.OrderBy(d => d.PciBusId, StringComparer.Ordinal).ToList();
        var selected = new List<SelectedGpu>();

        string[]? visible = null;
        if (cudaVisibleDevices is not null)
        {
            visible = cudaVisibleDevices.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            // CUDA stops at the first invalid entry ("-1" hides all devices).
            var valid = visible.TakeWhile(v => v.StartsWith("GPU-", StringComparison.OrdinalIgnoreCase)
                || v.StartsWith("MIG-", StringComparison.OrdinalIgnoreCase) || uint.TryParse(v, out _)).ToArray();
            visible = valid;
        }

        var homogeneous = all.Select(d => d.Name).Distinct().Count() <= 1;
        var pciOrder = string.Equals(cudaDeviceOrder, "PCI_BUS_ID", StringComparison.OrdinalIgnoreCase);
        var ordinalCaveat = false;

        foreach (var request in requested)
        {
            var text = request.Trim();
            if (text.Equals("cpu", StringComparison.OrdinalIgnoreCase)) continue;

            if (text.StartsWith("GPU-", StringComparison.OrdinalIgnoreCase))
            {
                Add(selected, errors, request, FindByUuid(all, text, errors, request), null, $"gpu:{selected.Count}");
                continue;
            }
            if (LooksLikePciBusId(text))
            {
                var bus = NormalisePciBusId(text);
                var device = all.FirstOrDefault(d => d.PciBusId == bus);
                if (device is null) errors.Add($"device '{request}': no NVML device has PCI bus id {bus}; NVML lists {List(all)}.");
                Add(selected, errors, request, device, null, $"gpu:{selected.Count}");
                continue;
            }

            var ordinalText = text.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) ? text[4..].TrimStart(':') : text;
            if (ordinalText.Length == 0) ordinalText = "0";
            if (!int.TryParse(ordinalText, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal))
            {
                errors.Add($"device '{request}': not a CUDA device (cuda:N), a GPU UUID (GPU-...) or a PCI bus id. Write, for example, device = \"cuda:0\".");
                continue;
            }

            if (visible is null)
            {
                if (ordinal >= byPci.Count)
                {
                    errors.Add($"device '{request}': CUDA device {ordinal} does not exist; NVML sees {byPci.Count} GPU(s).");
                    continue;
                }
                ordinalCaveat |= !homogeneous && !pciOrder;
                Add(selected, errors, request, byPci[ordinal], null, $"gpu:{ordinal}");
                continue;
            }

            if (ordinal >= visible.Length)
            {
                errors.Add($"device '{request}': CUDA_VISIBLE_DEVICES='{cudaVisibleDevices}' makes {visible.Length} device(s) visible, so CUDA device {ordinal} does not exist.");
                continue;
            }
            var entry = visible[ordinal];
            if (entry.StartsWith("MIG-", StringComparison.OrdinalIgnoreCase))
            {
                // The parent GPU cannot be found from a MIG UUID without MIG handle calls; energy is per GPU anyway.
                var parent = all.Count == 1 ? all[0] : null;
                if (parent is null)
                {
                    errors.Add($"device '{request}': CUDA_VISIBLE_DEVICES entry '{entry}' is a MIG instance; its parent GPU is ambiguous among {all.Count} GPUs and per-instance energy is not available from NVML.");
                    continue;
                }
                Add(selected, errors, request, parent, entry, $"gpu:{ordinal}");
                continue;
            }
            if (entry.StartsWith("GPU-", StringComparison.OrdinalIgnoreCase))
            {
                Add(selected, errors, request, FindByUuid(all, entry, errors, request), null, $"gpu:{ordinal}");
                continue;
            }
            var physical = int.Parse(entry, CultureInfo.InvariantCulture);
            if (physical >= byPci.Count)
            {
                errors.Add($"device '{request}': CUDA_VISIBLE_DEVICES entry {physical} names a device that does not exist; NVML sees {byPci.Count} GPU(s).");
                continue;
            }
            ordinalCaveat |= !homogeneous && !pciOrder;
            Add(selected, errors, request, byPci[physical], null, $"gpu:{ordinal}");
        }

        if (ordinalCaveat)
        {
            notes.Add("GPUs of different models and CUDA_DEVICE_ORDER is not PCI_BUS_ID: CUDA numbers the fastest GPU first, so a CUDA "
                + "ordinal may not be the GPU measured. Remedy: set CUDA_DEVICE_ORDER=PCI_BUS_ID, or name devices by UUID (GPU-...).");
        }
        return new GpuSelection(selected, errors, notes);
    }

    /// <summary>All NVML devices with UUID, PCI bus id and name; indices are used only to obtain handles.</summary>
    public static IReadOnlyList<NvmlDeviceInfo> Enumerate(INvmlApi api, List<string> errors)
    {
        var list = new List<NvmlDeviceInfo>();
        var r = api.GetDeviceCount(out var count);
        if (r != NvmlReturn.Success)
        {
            errors.Add($"nvmlDeviceGetCount failed: {api.ErrorString(r)}.");
            return list;
        }
        for (uint i = 0; i < count; i++)
        {
            if (api.GetHandleByIndex(i, out var handle) != NvmlReturn.Success) continue;
            api.GetUuid(handle, out var uuid);
            api.GetPciBusId(handle, out var bus);
            api.GetName(handle, out var name);
            list.Add(new NvmlDeviceInfo(handle, uuid, NormalisePciBusId(bus), name));
        }
        return list;
    }

    /// <summary><c>0000:1b:00.0</c> → <c>00000000:1B:00.0</c> (NVML's form).</summary>
    public static string NormalisePciBusId(string text)
    {
        var parts = text.Trim().Split(':');
        if (parts.Length == 3) return parts[0].PadLeft(8, '0').ToUpperInvariant() + ":" + parts[1].ToUpperInvariant() + ":" + parts[2].ToUpperInvariant();
        if (parts.Length == 2) return "00000000:" + parts[0].ToUpperInvariant() + ":" + parts[1].ToUpperInvariant();
        return text.Trim().ToUpperInvariant();
    }

    private static bool LooksLikePciBusId(string text) =>
        text.Contains(':') && text.Contains('.') && !text.StartsWith("cuda", StringComparison.OrdinalIgnoreCase);

    private static NvmlDeviceInfo? FindByUuid(IReadOnlyList<NvmlDeviceInfo> all, string prefix, List<string> errors, string request)
    {
        var matches = all.Where(d => d.Uuid.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 1) return matches[0];
        errors.Add(matches.Count == 0
            ? $"device '{request}': no NVML device has a UUID starting with '{prefix}'; NVML lists {List(all)}."
            : $"device '{request}': UUID prefix '{prefix}' matches {matches.Count} GPUs; give more of the UUID.");
        return null;
    }

    private static void Add(List<SelectedGpu> selected, List<string> errors, string request, NvmlDeviceInfo? device, string? mig, string label)
    {
        if (device is null) return;
        if (selected.Any(s => s.Device.Uuid == device.Uuid))
        {
            errors.Add($"device '{request}': {device.Uuid} is already selected; each GPU is measured once.");
            return;
        }
        selected.Add(new SelectedGpu(label, request, device, mig));
    }

    private static string List(IReadOnlyList<NvmlDeviceInfo> all) =>
        all.Count == 0 ? "no devices" : string.Join(", ", all.Select(d => $"{d.Uuid} ({d.PciBusId})"));
}
