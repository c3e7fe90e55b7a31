namespace Lem.Backends.LlamaCpp.Tests;

/// <summary>
/// The bundled Linux natives need GCC's OpenMP runtime, which a fresh Debian 12 lacks (found by
/// scripts/fresh-machine-check.sh: LLamaSharp said only "the native library cannot be correctly loaded").
/// </summary>
public sealed class NativeDependencyTests
{
    [Fact]
    public void A_machine_without_the_openmp_runtime_is_told_which_package_to_install()
    {
        var problem = LlamaCppNative.BundledDependencyProblem(library => library != LlamaCppNative.OpenMpRuntime);

        Assert.NotNull(problem);
        Assert.Contains("libgomp.so.1", problem);
        Assert.Contains("apt-get install libgomp1", problem);
        Assert.Contains("llamacpp.native_path", problem);
    }

    [Fact]
    public void A_machine_with_it_has_no_problem()
    {
        Assert.Null(LlamaCppNative.BundledDependencyProblem(_ => true));
        Assert.Null(LlamaCppNative.BundledDependencyProblem()); // this machine runs the llama.cpp tests, so it has it
    }
}
