namespace CrashLab.Fuse.Server;

/// <summary>One name of a directory listing, as the directory's first READDIR saw it.</summary>
internal readonly record struct DirectoryEntry(string Name, ulong Inode, uint Type);
