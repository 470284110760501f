namespace CrashLab.Fuse.Server;

/// <summary>One name of a directory listing, as opendir saw it.</summary>
internal readonly record struct DirectoryEntry(string Name, ulong Inode, uint Type);
