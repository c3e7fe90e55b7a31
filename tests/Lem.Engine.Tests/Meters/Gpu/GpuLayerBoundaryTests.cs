using System.Reflection;
using Lem.Engine.Meters.Gpu;
using Lem.Engine.Meters.Nvml;

namespace Lem.Engine.Tests.Meters.Gpu;

/// <summary>No NVML type shows above the vendor-neutral GPU layer, so another vendor plugs in without edits there.</summary>
public class GpuLayerBoundaryTests
{
    private static readonly string[] AboveTheVendors = ["Lem.Engine.Meters.Gpu", "Lem.Engine.Measurement", "Lem.Engine.Running"];

    [Fact]
    public void No_signature_field_or_captured_variable_above_the_gpu_layer_is_an_nvml_type()
    {
        var nvml = typeof(NvmlPlatform).Namespace!;
        var leaks = typeof(GpuMeter).Assembly.GetTypes()
            .Where(t => t.Namespace is { } ns && AboveTheVendors.Any(a => ns == a || ns.StartsWith(a + ".", StringComparison.Ordinal)))
            .SelectMany(t => TypesNamedBy(t).SelectMany(Flatten).Where(x => x.Namespace == nvml).Select(x => $"{t.FullName} uses {x.Name}"))
            .Distinct()
            .ToArray();
        Assert.Empty(leaks);
    }

    [Fact]
    public void The_check_sees_nvml_types_where_they_are()
    {
        // the NVML layer itself names them, so a check that found none there would be blind
        Assert.Contains(TypesNamedBy(typeof(NvmlDevice)).SelectMany(Flatten), t => t == typeof(INvmlApi));
    }

    private static IEnumerable<Type> TypesNamedBy(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } b) yield return b;
        foreach (var i in type.GetInterfaces()) yield return i;
        foreach (var f in type.GetFields(all)) yield return f.FieldType; // closures' captured variables are fields too
        foreach (var p in type.GetProperties(all)) yield return p.PropertyType;
        foreach (var m in type.GetMethods(all))
        {
            yield return m.ReturnType;
            foreach (var p in m.GetParameters()) yield return p.ParameterType;
        }
        foreach (var c in type.GetConstructors(all))
            foreach (var p in c.GetParameters()) yield return p.ParameterType;
    }

    private static IEnumerable<Type> Flatten(Type type)
    {
        yield return type;
        if (type.HasElementType) foreach (var t in Flatten(type.GetElementType()!)) yield return t;
        if (type.IsGenericType) foreach (var t in type.GetGenericArguments().SelectMany(Flatten)) yield return t;
    }
}
