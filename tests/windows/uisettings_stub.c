/*
 * TEST-ONLY stand-in for the WinRT class Windows.UI.ViewManagement.UISettings under Wine 8.0.
 *
 * Qt's `windows` platform plugin (6.6+) activates UISettings for the accent colours and calls abort()
 * when that fails, which it always does under Wine 8.0: every GUI would exit with code 3 and no message.
 * tests/windows/setup_wine.sh builds this with Debian's gcc-mingw-w64-x86-64-win32 and registers it in
 * the Wine prefix only. It never ships: a real Windows has the real class.
 *
 * The object answers IUISettings and IUISettings3 with fixed values and never raises change events.
 */
#include <windows.h>

typedef struct { BYTE A, R, G, B; } Color;
typedef struct { INT64 value; } EventRegistrationToken;

static const GUID IID_IUnknown_ = {0x00000000, 0x0000, 0x0000, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
static const GUID IID_IInspectable_ = {0xAF86E2E0, 0xB12D, 0x4C6A, {0x9C, 0x5A, 0xD7, 0xAA, 0x65, 0x10, 0x1E, 0x90}};
static const GUID IID_IActivationFactory_ = {0x00000035, 0x0000, 0x0000, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
static const GUID IID_IUISettings_ = {0x85361600, 0x1C63, 0x4627, {0xBC, 0xB1, 0x3A, 0x89, 0xE0, 0xBC, 0x9C, 0x55}};
static const GUID IID_IUISettings3_ = {0x03021BE4, 0x5254, 0x4781, {0x81, 0x94, 0x51, 0x68, 0xF7, 0xD0, 0x6D, 0x7B}};

/* One static object per interface: all share the reference count of a never-freed singleton. */
typedef struct { const void *vtbl; } Object;
static Object factory_object, settings_object, settings3_object;

static HRESULT query(const GUID *iid, void **out);

static HRESULT STDMETHODCALLTYPE QueryInterface(Object *self, const GUID *iid, void **out) {
    (void)self;
    return query(iid, out);
}
static ULONG STDMETHODCALLTYPE AddRef(Object *self) { (void)self; return 2; }
static ULONG STDMETHODCALLTYPE Release(Object *self) { (void)self; return 1; }
static HRESULT STDMETHODCALLTYPE GetIids(Object *self, ULONG *count, GUID **iids) {
    (void)self;
    *count = 0;
    *iids = NULL;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE GetRuntimeClassName(Object *self, void **name) {
    (void)self;
    *name = NULL; /* the empty HSTRING */
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE GetTrustLevel(Object *self, int *level) {
    (void)self;
    *level = 0; /* BaseTrust */
    return S_OK;
}

/* IActivationFactory */
static HRESULT STDMETHODCALLTYPE ActivateInstance(Object *self, void **instance) {
    (void)self;
    return query(&IID_IInspectable_, instance);
}

/* IUISettings: fixed answers, as a default Windows 10 desktop gives. */
static HRESULT STDMETHODCALLTYPE GetInt(Object *self, INT32 *value) { (void)self; *value = 0; return S_OK; }
static HRESULT STDMETHODCALLTYPE GetSize(Object *self, SIZE *value) {
    (void)self;
    value->cx = 16;
    value->cy = 16;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE GetTrue(Object *self, BOOLEAN *value) { (void)self; *value = 1; return S_OK; }
static HRESULT STDMETHODCALLTYPE GetFalse(Object *self, BOOLEAN *value) { (void)self; *value = 0; return S_OK; }
static HRESULT STDMETHODCALLTYPE GetUInt(Object *self, UINT32 *value) { (void)self; *value = 500; return S_OK; }
static HRESULT STDMETHODCALLTYPE UIElementColor(Object *self, INT32 element, Color *value) {
    (void)self;
    (void)element;
    value->A = 255;
    value->R = value->G = value->B = 0;
    return S_OK;
}

/* IUISettings3 */
static HRESULT STDMETHODCALLTYPE GetColorValue(Object *self, INT32 kind, Color *value) {
    (void)self;
    /* UIColorType: 0 Background (white), 1 Foreground (black), 2-8 accent shades (Windows blue). */
    value->A = 255;
    if (kind == 0) {
        value->R = value->G = value->B = 255;
    } else if (kind == 1) {
        value->R = value->G = value->B = 0;
    } else {
        value->R = 0x00;
        value->G = 0x78;
        value->B = 0xD4;
    }
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE AddChanged(Object *self, void *handler, EventRegistrationToken *token) {
    (void)self;
    (void)handler;
    token->value = 1;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE RemoveChanged(Object *self, EventRegistrationToken token) {
    (void)self;
    (void)token;
    return S_OK;
}

#define INSPECTABLE (void *)QueryInterface, (void *)AddRef, (void *)Release, \
    (void *)GetIids, (void *)GetRuntimeClassName, (void *)GetTrustLevel

static const void *factory_vtbl[] = {INSPECTABLE, (void *)ActivateInstance};
static const void *settings_vtbl[] = {
    INSPECTABLE,
    (void *)GetInt,   /* HandPreference */
    (void *)GetSize,  /* CursorSize */
    (void *)GetSize,  /* ScrollBarSize */
    (void *)GetSize,  /* ScrollBarArrowSize */
    (void *)GetSize,  /* ScrollBarThumbBoxSize */
    (void *)GetUInt,  /* MessageDuration */
    (void *)GetTrue,  /* AnimationsEnabled */
    (void *)GetFalse, /* CaretBrowsingEnabled */
    (void *)GetUInt,  /* CaretBlinkRate */
    (void *)GetUInt,  /* CaretWidth */
    (void *)GetUInt,  /* DoubleClickTime */
    (void *)GetUInt,  /* MouseHoverTime */
    (void *)UIElementColor,
};
static const void *settings3_vtbl[] = {INSPECTABLE, (void *)GetColorValue, (void *)AddChanged, (void *)RemoveChanged};

static HRESULT query(const GUID *iid, void **out) {
    if (IsEqualGUID(iid, &IID_IActivationFactory_)) {
        *out = &factory_object;
    } else if (IsEqualGUID(iid, &IID_IUnknown_) || IsEqualGUID(iid, &IID_IInspectable_) ||
               IsEqualGUID(iid, &IID_IUISettings_)) {
        *out = &settings_object;
    } else if (IsEqualGUID(iid, &IID_IUISettings3_)) {
        *out = &settings3_object;
    } else {
        *out = NULL;
        return E_NOINTERFACE;
    }
    return S_OK;
}

__declspec(dllexport) HRESULT WINAPI DllGetActivationFactory(void *class_id, void **factory) {
    (void)class_id;
    factory_object.vtbl = factory_vtbl;
    settings_object.vtbl = settings_vtbl;
    settings3_object.vtbl = settings3_vtbl;
    *factory = &factory_object;
    return S_OK;
}

__declspec(dllexport) HRESULT WINAPI DllCanUnloadNow(void) { return S_FALSE; }

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
