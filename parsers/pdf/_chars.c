/* The per-character loop of parsers/pdf/pdfium.py, in C: for each character of a PDFium
 * text page, its text object and its origin.
 *
 * From Python these are two ctypes calls per character, 0.6 microseconds for the pair:
 * a tenth of the time a page takes end to end (issue 19). Here they are two C calls. PDFium's
 * functions are passed in by address (pypdfium2 has loaded the library and bound them), so
 * nothing is linked against PDFium and no header of it is needed.
 *
 * objects_and_origins(get_text_object, get_char_origin, text_page, count)
 *     -> (objects, xs, ys): three lists of `count` items, what pdfium.py's maps give:
 *        FPDFText_GetTextObject's address as an int (None for NULL), and the x and the y
 *        of FPDFText_GetCharOrigin (0.0 when PDFium reports no origin).
 *
 * The GIL is held throughout, as pdfium.py's bindings hold it: PDFium must not run in two
 * threads at once, and nothing here calls back into Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

typedef void *(*get_text_object_t)(void *text_page, int index);
typedef int (*get_char_origin_t)(void *text_page, int index, double *x, double *y);

static PyObject *
objects_and_origins(PyObject *module, PyObject *args)
{
    unsigned long long get_object_address, get_origin_address, text_page_address;
    int count;
    if (!PyArg_ParseTuple(args, "KKKi", &get_object_address, &get_origin_address,
                          &text_page_address, &count))
        return NULL;
    if (count < 0 || !get_object_address || !get_origin_address || !text_page_address) {
        PyErr_SetString(PyExc_ValueError, "objects_and_origins: a null function or text page, or a negative count");
        return NULL;
    }
    get_text_object_t get_object = (get_text_object_t)(uintptr_t)get_object_address;
    get_char_origin_t get_origin = (get_char_origin_t)(uintptr_t)get_origin_address;
    void *text_page = (void *)(uintptr_t)text_page_address;

    PyObject *objects = PyList_New(count);
    PyObject *xs = PyList_New(count);
    PyObject *ys = PyList_New(count);
    if (!objects || !xs || !ys)
        goto fail;
    for (int index = 0; index < count; index++) {
        void *object = get_object(text_page, index);
        double x = 0.0, y = 0.0;
        if (!get_origin(text_page, index, &x, &y))
            x = y = 0.0;
        PyObject *address = object ? PyLong_FromVoidPtr(object) : Py_NewRef(Py_None);
        PyObject *x_value = PyFloat_FromDouble(x);
        PyObject *y_value = PyFloat_FromDouble(y);
        if (!address || !x_value || !y_value) {
            Py_XDECREF(address);
            Py_XDECREF(x_value);
            Py_XDECREF(y_value);
            goto fail;
        }
        PyList_SET_ITEM(objects, index, address);
        PyList_SET_ITEM(xs, index, x_value);
        PyList_SET_ITEM(ys, index, y_value);
    }
    return Py_BuildValue("(NNN)", objects, xs, ys);

fail:
    Py_XDECREF(objects);
    Py_XDECREF(xs);
    Py_XDECREF(ys);
    return NULL;
}

static PyMethodDef methods[] = {
    {"objects_and_origins", objects_and_origins, METH_VARARGS,
     "objects_and_origins(get_text_object, get_char_origin, text_page, count) -> (objects, xs, ys)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_chars", "PDFium's characters read in C: see _chars.c.", -1, methods,
};

PyMODINIT_FUNC
PyInit__chars(void)
{
    return PyModule_Create(&module);
}
