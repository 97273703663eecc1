// Package source streams dataset files into records with exact DynamoDB types.
//
// It reads JSON arrays, JSON Lines, CSV with typed columns and DynamoDB JSON (including the
// S3-export line shape), each optionally gzip-compressed, plus inline JSON items. Records are
// produced one at a time, so memory is bounded by the largest record, never by the file.
// Numbers keep their decimal text (validated and canonicalized by ddbitem.CanonicalNumber);
// nothing is ever converted through float64.
//
// A recording reading (OpenRecording) also cuts the dataset into stripes where a reading can
// start without what came before (file starts, and line starts of uncompressed line formats);
// OpenStripes then reads all of them at once, each record keeping its number and position.
//
// Problems with the data come back as *record.InputError naming the file, the line, the
// record and, where one is at fault, the attribute. Problems with the Spec itself come back
// as *SpecError naming the Spec field.
package source
